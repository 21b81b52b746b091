// Fixes to Django's admin behaviour, for every admin page (templates/admin/base_site.html).
'use strict';

// An autocomplete field (select2) hides the labelled <select> and shows a combobox named only
// by its current choice: empty at first, and never the field's name (axe: "ARIA input fields
// must have an accessible name"). Name it by the field's label, then the choice. The admin's
// autocomplete.js builds the boxes in a jQuery ready handler; this one is queued after it.
function nameAutocompleteBoxes() {
    document.querySelectorAll('select.admin-autocomplete').forEach(function (select) {
        const label = select.id && document.querySelector('label[for="' + select.id + '"]');
        const container = select.nextElementSibling;
        const box = container && container.querySelector('.select2-selection');
        if (!label || !box) {
            return;
        }
        if (!label.id) {
            label.id = select.id + '_label';
        }
        const choice = box.querySelector('.select2-selection__rendered');
        box.setAttribute('aria-labelledby', label.id + (choice && choice.id ? ' ' + choice.id : ''));
        if (choice) {
            choice.setAttribute('aria-labelledby', label.id);
        }
    });
}

if (window.django && window.django.jQuery) {
    window.django.jQuery(nameAutocompleteBoxes);
}

// The app list beside every page (Django's nav sidebar) took 300 of a laptop's 1280 px and
// pushed the article list's last columns out of sight. It starts closed; the « button opens
// it, and Django remembers that choice. Runs before nav_sidebar.js, which is deferred.
if (window.localStorage && localStorage.getItem('django.admin.navSidebarIsOpen') === null) {
    localStorage.setItem('django.admin.navSidebarIsOpen', 'false');
}

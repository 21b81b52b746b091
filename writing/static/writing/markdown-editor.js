// The admin's Markdown editor (writing/widgets.py): toolbar, live preview, word count, pictures.
// Hand-written, no library. Without this file the textarea and the form's Preview button work alone.
'use strict';

(function () {
    const PREVIEW_DELAY_MS = 400;
    const PICTURE_CHOSEN = 'newsroom:picture-chosen';
    // Where a chosen picture goes: the textarea whose Picture button opened the chooser, else
    // the editor that last had the focus.
    let chooserTarget = null;
    let lastEditor = null;

    function csrfToken(textarea) {
        const form = textarea.form;
        const field = form && form.querySelector('input[name="csrfmiddlewaretoken"]');
        return field ? field.value : '';
    }

    // --- editing the selection ---------------------------------------------------------------

    // Replace the selection with `text`, then select [selectFrom, selectTo) of it (or put the
    // cursor after it). execCommand keeps the browser's undo history; setRangeText is the fallback.
    function replaceSelection(textarea, text, selectFrom, selectTo) {
        const start = textarea.selectionStart;
        textarea.focus();
        let done = false;
        try {
            done = document.execCommand('insertText', false, text);
        } catch (error) {
            done = false;
        }
        if (!done || textarea.value.slice(start, start + text.length) !== text) {
            textarea.setRangeText(text, start, textarea.selectionEnd, 'end');
            textarea.dispatchEvent(new Event('input', { bubbles: true }));
        }
        if (selectFrom !== undefined) {
            textarea.setSelectionRange(start + selectFrom, start + selectTo);
        }
    }

    function wrap(textarea, before, after, placeholder) {
        const selected = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
        const inner = selected || placeholder;
        replaceSelection(textarea, before + inner + after, before.length, before.length + inner.length);
    }

    // The whole lines the selection touches, each prefixed by prefix(lineNumber); or, when every
    // one of them already starts with such a prefix (`marker`), with it taken off again.
    function prefixLines(textarea, prefix, marker) {
        const value = textarea.value;
        const start = value.lastIndexOf('\n', textarea.selectionStart - 1) + 1;
        let end = value.indexOf('\n', Math.max(textarea.selectionEnd - 1, start));
        if (end === -1) {
            end = value.length;
        }
        textarea.setSelectionRange(start, end);
        const lines = value.slice(start, end).split('\n');
        const marked = lines.every(function (line) { return marker.test(line); });
        const text = lines.map(function (line, n) {
            return marked ? line.replace(marker, '') : prefix(n) + line;
        }).join('\n');
        replaceSelection(textarea, text, 0, text.length);
    }

    function link(textarea) {
        const selected = textarea.value.slice(textarea.selectionStart, textarea.selectionEnd);
        const label = selected || 'link text';
        const text = '[' + label + '](https://)';
        // Select the address to type over; the label if there was nothing selected.
        const urlStart = label.length + 3;
        if (selected) {
            replaceSelection(textarea, text, urlStart, urlStart + 8);
        } else {
            replaceSelection(textarea, text, 1, 1 + label.length);
        }
    }

    // Markdown for a picture (or anything) on a line of its own, at the cursor.
    function insertBlock(textarea, markdown) {
        const before = textarea.value.slice(0, textarea.selectionStart);
        const lead = before === '' || before.endsWith('\n\n') ? '' : (before.endsWith('\n') ? '\n' : '\n\n');
        const text = lead + markdown + '\n\n';
        textarea.focus();
        replaceSelection(textarea, text);
    }

    const ACTIONS = {
        heading: function (t) { prefixLines(t, function () { return '## '; }, /^#{1,6} /); },
        bold: function (t) { wrap(t, '**', '**', 'bold text'); },
        italic: function (t) { wrap(t, '_', '_', 'italic text'); },
        link: link,
        quote: function (t) { prefixLines(t, function () { return '> '; }, /^> ?/); },
        bullets: function (t) { prefixLines(t, function () { return '- '; }, /^[-*+] /); },
        numbers: function (t) { prefixLines(t, function (n) { return (n + 1) + '. '; }, /^\d+[.)] /); },
    };

    // --- the preview ---------------------------------------------------------------------------

    function livePreview(editor, textarea) {
        const url = editor.dataset.previewUrl;
        const stats = editor.querySelector('.nr-writer-stats');
        const rendered = editor.querySelector('.nr-writer-rendered');
        const region = editor.querySelector('.nr-writer-preview');
        let timer = null;
        let controller = null;
        let shown = textarea.value;

        function show(data) {
            rendered.innerHTML = data.html; // the site's sanitiser's output, as on the public page
            stats.textContent = data.text;
            stats.dataset.words = data.words;
            stats.dataset.minutes = data.minutes;
            stats.classList.remove('nr-writer-error');
        }

        function fail(message) {
            stats.textContent = message;
            stats.classList.add('nr-writer-error');
        }

        function refresh() {
            if (textarea.value === shown) {
                return;
            }
            const source = textarea.value;
            if (controller) {
                controller.abort();
            }
            controller = new AbortController();
            const data = new FormData();
            data.append('body', source);
            region.setAttribute('aria-busy', 'true');
            fetch(url, {
                method: 'POST',
                body: data,
                credentials: 'same-origin',
                headers: { 'X-CSRFToken': csrfToken(textarea), 'Accept': 'application/json' },
                signal: controller.signal,
            }).then(function (response) {
                const json = (response.headers.get('Content-Type') || '').startsWith('application/json');
                if (!json) {
                    throw new Error('The preview is unavailable (are you still signed in?).');
                }
                return response.json().then(function (body) {
                    if (!response.ok) {
                        throw new Error(body.error || 'The preview is unavailable.');
                    }
                    shown = source;
                    show(body);
                });
            }).catch(function (error) {
                if (error.name !== 'AbortError') {
                    fail(error.message || 'The preview is unavailable.');
                }
            }).finally(function () {
                region.removeAttribute('aria-busy');
            });
        }

        textarea.addEventListener('input', function () {
            window.clearTimeout(timer);
            timer = window.setTimeout(refresh, PREVIEW_DELAY_MS);
        });
    }

    // --- pictures from the media library ---------------------------------------------------------

    function openChooser(editor, textarea) {
        chooserTarget = textarea;
        const chooser = window.open(editor.dataset.chooserUrl, 'newsroom-picture-chooser',
                                    'width=960,height=720,resizable=yes,scrollbars=yes');
        if (chooser) {
            chooser.focus();
        }
    }

    window.addEventListener('message', function (event) {
        if (event.origin !== window.location.origin) {
            return;
        }
        const data = event.data;
        if (!data || typeof data !== 'object' || data.type !== PICTURE_CHOSEN) {
            return;
        }
        const target = chooserTarget || lastEditor;
        if (typeof data.markdown !== 'string' || !data.markdown.trim() || !target) {
            return;
        }
        insertBlock(target, data.markdown.trim());
    });

    // --- setting up ------------------------------------------------------------------------------

    function setUp(editor) {
        const textarea = document.getElementById(editor.dataset.input);
        if (!textarea || !editor.dataset.previewUrl) {
            return;
        }
        editor.classList.add('nr-writer-live');
        const toolbar = editor.querySelector('.nr-writer-toolbar');
        toolbar.hidden = false;
        // The live preview replaces the form's Preview button (still there without JS).
        const refresh = editor.querySelector('.nr-writer-refresh');
        if (refresh) {
            refresh.hidden = true;
        }
        toolbar.addEventListener('click', function (event) {
            const button = event.target.closest('button[data-action]');
            if (!button) {
                return;
            }
            const action = button.dataset.action;
            if (action === 'picture') {
                openChooser(editor, textarea);
            } else if (ACTIONS[action]) {
                ACTIONS[action](textarea);
            }
        });
        textarea.addEventListener('focus', function () { lastEditor = textarea; });
        textarea.addEventListener('keydown', function (event) {
            if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) {
                return;
            }
            const key = event.key.toLowerCase();
            const action = { b: 'bold', i: 'italic', k: 'link' }[key];
            if (action) {
                event.preventDefault();
                ACTIONS[action](textarea);
            }
        });
        if (!lastEditor) {
            lastEditor = textarea;
        }
        livePreview(editor, textarea);
    }

    function setUpAll() {
        document.querySelectorAll('.nr-writer').forEach(setUp);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', setUpAll);
    } else {
        setUpAll();
    }
}());

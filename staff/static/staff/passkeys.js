// After a passkey is added (django-otp-webauthn's register script), go where the page says:
// the enrolment page moves on to the admin, the security page shows the new key.
'use strict';
document.addEventListener('otp_webauthn.register_complete', function () {
    const next = document.querySelector('input[name="next"]');
    window.location.assign(next && next.value ? next.value : window.location.href);
});

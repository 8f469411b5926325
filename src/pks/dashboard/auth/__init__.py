"""Dashboard authentication and hardening.

* :mod:`.users` — dashboard users and roles in the store (table ``dashboard_users``),
  every change written to the audit trail (:mod:`pks.data.audit`);
* :mod:`.throttle` — lockout with exponential back-off after repeated login failures;
* :mod:`.redirect` — the only ``next`` targets accepted after login (same-site paths);
* :mod:`.files` — private files and folders (users file 0600, job cache 0700);
* :mod:`.web` — the Flask side: login/logout routes with CSRF token, server-side session
  revocation, cookie flags, security headers, request size limit and clean error answers.
"""

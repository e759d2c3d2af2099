"""Users and how they prove who they are: the user model, sign-up, sign-in and sign-out,
password change and reset, sign-in throttling (django-axes) and mail about account changes.

Sessions as things people own (your devices, the admin's Active sessions, how sessions end)
are the register's (shop/register/); where a session's state lives is shop/sessions/.
"""

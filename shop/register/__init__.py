"""The session register: sessions as things people own, on every engine.

One row per live session (`models.SessionRecord`), written at the session's moments and
never per request (`rows.py`, kept current by `middleware.py`); how sessions end, here or
elsewhere (`ending.py`; `signals.py` at sign-out); "your devices" for a signed-in user
(`views.py`, `devices.py`); the admin's Active sessions (`admin.py`, with `summary.py` for
counts at scale and `redaction.py`); `manage.py prune_sessions` deletes rows no one needs and
`manage.py create_sessions` makes synthetic sessions to measure at scale. It reaches users
only through get_user_model().
"""

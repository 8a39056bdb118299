"""Cheaper per-request work: JSON answers encoded with orjson, and a session signer built once.

JSON answers are encoded with orjson: the same documents as Flask's encoder, a few times faster.

Keys stay sorted and the types Flask knows (dates as HTTP dates, decimals, dataclasses,
``__html__``) go through Flask's own converter, so an answer only differs in spelling: UTF-8 text
instead of ``\\uXXXX`` escapes, and ``NaN``/``Infinity`` written as ``null`` (valid JSON). What
orjson refuses (integers past 64 bits, keys it cannot sort) is encoded by Flask's provider.
"""
from __future__ import annotations

from typing import Any

import orjson
from flask import Flask
from flask.json.provider import DefaultJSONProvider, _default
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from werkzeug.sansio.response import Response as SansioResponse

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME \
    | orjson.OPT_PASSTHROUGH_DATACLASS


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider with orjson for ``dumps`` without options and for ``jsonify``."""

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        if kwargs:  # options of the stdlib encoder (``tojson`` passes none): keep its behaviour
            return super().dumps(obj, **kwargs)
        try:
            return orjson.dumps(obj, default=_default, option=_OPTIONS).decode()
        except (orjson.JSONEncodeError, TypeError):
            return super().dumps(obj)

    def response(self, *args: Any, **kwargs: Any) -> SansioResponse:
        if (self.compact is None and self._app.debug) or self.compact is False:
            return super().response(*args, **kwargs)  # indented, for reading
        obj = self._prepare_response_obj(args, kwargs)
        try:
            body = orjson.dumps(obj, default=_default, option=_OPTIONS | orjson.OPT_APPEND_NEWLINE)
        except (orjson.JSONEncodeError, TypeError):
            return super().response(*args, **kwargs)
        return self._app.response_class(body, mimetype=self.mimetype)  # type: ignore[arg-type]  # flask types _app as the sansio App; its response_class takes a body


class CachedSignerSessions(SecureCookieSessionInterface):
    """Flask's cookie sessions, with the signing serializer built once per set of keys.

    Flask builds a new serializer (and its signer) twice in every request, for opening and for
    saving the session, even when no cookie was sent (an API call with a bearer token).
    """

    def __init__(self) -> None:
        self._signers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        key = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        signer = self._signers.get(key)
        if signer is None:
            signer = super().get_signing_serializer(app)
            if len(self._signers) > 8:  # keys changed at run time (tests): forget the old ones
                self._signers.clear()
            self._signers[key] = signer
        return signer

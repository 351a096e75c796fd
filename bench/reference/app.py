"""history.list as the design documents would have it built: FastAPI + PyJWT + sqlite3.

The baseline of bench/history_reference.sh. Written from the design documents' code
(design-documents/002: "FastAPI Integration", "Database Schema", "Pydantic Schemas";
design-documents/000: AzureBlobService.generate_sas_url), with only what it takes to run:
  - the Entra keys are read from REFERENCE_JWKS_FILE instead of fetched from
    login.microsoftonline.com (the benchmark is offline); the document's jwt.decode() call has no
    key argument, so the key is chosen by the token's kid from that JWKS, as PyJWKClient does;
  - image URLs are user-delegation-style SAS URLs, signed with HMAC-SHA256 the way
    azure.storage.blob's generate_blob_sas does (that package is not in Debian), one per image:
    GenerationRecord.images is "list[str]  # URLs".
Everything else is the documents' code: HTTPBearer, jwt.decode with RS256/audience/issuer, the
generations table and its (user_id, created_at) index, HistoryListOutput with total_count.

Settings (environment): REFERENCE_DB (the SQLite file, made by export_rows.py), REFERENCE_JWKS_FILE,
AZURE_TENANT_ID, AZURE_CLIENT_ID, REFERENCE_SAS_KEY (base64 account/delegation key).
Run: uvicorn --app-dir bench/reference app:app --workers 2
"""
import base64
import hashlib
import hmac
import json
import os
import sqlite3
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import quote

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel

ACCOUNT = "noisettstorage"
CONTAINER = "noisett-storage"
SAS_VERSION = "2021-08-06"

app = FastAPI(title="Noisett reference (design documents)")
security = HTTPBearer()


# --- Pydantic schemas (design-documents/002) ---------------------------------------------------
class GenerationRecord(BaseModel):
    job_id: str
    prompt: str
    asset_type: str
    quality: str
    created_at: datetime
    images: list[str]  # URLs


class HistoryListOutput(BaseModel):
    generations: list[GenerationRecord]
    total_count: int


# --- Authentication (design-documents/002, "FastAPI Integration") ------------------------------
@lru_cache
def get_jwks():
    """Entra ID public keys (from a file here; the document fetches them over HTTPS)."""
    with open(os.environ["REFERENCE_JWKS_FILE"], encoding="utf-8") as f:
        return jwt.PyJWKSet.from_dict(json.load(f))


def signing_key(token: str):
    kid = jwt.get_unverified_header(token).get("kid")
    for key in get_jwks().keys:
        if key.key_id == kid:
            return key.key
    raise jwt.InvalidTokenError(f"unknown kid {kid!r}")


def get_current_user(credentials: HTTPAuthorizationCredentials = Security(security)) -> dict:
    """Validate JWT and extract user info."""
    token = credentials.credentials
    try:
        payload = jwt.decode(
            token,
            signing_key(token),
            options={"verify_signature": True},
            algorithms=["RS256"],
            audience=os.environ["AZURE_CLIENT_ID"],
            issuer=f"https://login.microsoftonline.com/{os.environ['AZURE_TENANT_ID']}/v2.0",
        )
        return {
            "user_id": payload["oid"],  # Object ID
            "email": payload.get("preferred_username"),
            "name": payload.get("name"),
        }
    except jwt.InvalidTokenError as e:
        raise HTTPException(status_code=401, detail=str(e))


# --- Links (design-documents/000, AzureBlobService.generate_sas_url) ---------------------------
def generate_sas_url(blob_path: str, expiry_hours: int = 168) -> str:
    """A read-only SAS URL for one blob, signed as generate_blob_sas signs it."""
    expiry = (datetime.utcnow() + timedelta(hours=expiry_hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    resource = f"/blob/{ACCOUNT}/{CONTAINER}/{blob_path}"
    string_to_sign = "\n".join(["r", "", expiry, resource, "", "", "", "", "", SAS_VERSION, "b",
                                "", "", "", "", "", ""])
    key = base64.b64decode(os.environ["REFERENCE_SAS_KEY"])
    sig = base64.b64encode(hmac.new(key, string_to_sign.encode(), hashlib.sha256).digest())
    query = f"sv={SAS_VERSION}&se={quote(expiry)}&sr=b&sp=r&sig={quote(sig.decode(), safe='')}"
    return f"https://{ACCOUNT}.blob.core.windows.net/{CONTAINER}/{blob_path}?{query}"


# --- Database (design-documents/002, "Database Schema") ----------------------------------------
def get_db():
    # A connection per request, as FastAPI's SQL tutorial does; check_same_thread=False because the
    # dependency and a sync endpoint run on different threads of the pool (also as in the tutorial).
    db = sqlite3.connect(os.environ["REFERENCE_DB"], check_same_thread=False)
    try:
        yield db
    finally:
        db.close()


@app.get("/api/history", response_model=HistoryListOutput)
def history_list(limit: int = Query(50, ge=1, le=200), user: dict = Depends(get_current_user),
                 db: sqlite3.Connection = Depends(get_db)):
    """history.list: the user's generations, newest first."""
    rows = db.execute(
        "SELECT job_id, prompt, asset_type, quality, created_at, image_count FROM generations"
        " WHERE user_id = ? ORDER BY created_at DESC LIMIT ?", (user["user_id"], limit)).fetchall()
    (total,) = db.execute("SELECT COUNT(*) FROM generations WHERE user_id = ?",
                          (user["user_id"],)).fetchone()
    generations = [
        GenerationRecord(
            job_id=job_id, prompt=prompt, asset_type=asset_type, quality=quality or "",
            created_at=created_at,
            images=[generate_sas_url(f"generated/{user['user_id']}/{job_id}/image_{i}.jpg")
                    for i in range(image_count or 0)])
        for job_id, prompt, asset_type, quality, created_at, image_count in rows]
    return HistoryListOutput(generations=generations, total_count=total)


@app.get("/healthz")
def healthz():
    return {"status": "ok"}

"""A small HTTP client of the gateway API, as a front-end uses it (demo data, benchmarks,
system tests)."""
from urllib.parse import urlsplit

import requests

# (method, path, status, code) of every JSON error answer a client got, and (method, path,
# status, body) of its JSON successes while RECORDING: tests/conftest.py checks that each is as
# the OpenAPI document says for its route (tests/documented_errors.py)
SEEN = []
ANSWERS = []
RECORDING = [False]


def record_error(response, *args, **kwargs):
    if "json" not in response.headers.get("Content-Type", ""):
        return
    try:
        body = response.json()
    except ValueError:
        return
    where = (response.request.method, urlsplit(response.request.url).path, response.status_code)
    if response.status_code >= 400:
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            SEEN.append(where + (body["error"],))
    elif RECORDING[0]:
        ANSWERS.append(where + (body,))


class Api:
    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.hooks["response"].append(record_error)
        self.token = token

    def login(self, username, password):
        response = self.post("/api/auth/login", {"username": username, "password": password})
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]
        return self

    def headers(self):
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path, **kwargs):
        return self.session.get(self.base_url + path, headers=self.headers(), timeout=30, **kwargs)

    def post(self, path, body=None, data=None, **kwargs):
        return self.session.post(self.base_url + path, json=body, data=data, headers=self.headers(),
                                 timeout=30, **kwargs)

    def put(self, path, body=None):
        return self.session.put(self.base_url + path, json=body, headers=self.headers(), timeout=30)

    def delete(self, path):
        return self.session.delete(self.base_url + path, headers=self.headers(), timeout=30)

    def ok(self, response, status=200):
        assert response.status_code == status, (response.status_code, response.text)
        return response.json()

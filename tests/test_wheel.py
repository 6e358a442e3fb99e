"""The built wheel works on its own: installed into a fresh virtual environment (with the example
outside plugin), run from an empty directory, it builds the demo, loads a center and an item
through their JSON Schemas, serves the web UI and GraphQL, and issues a PDF — and its files are
found inside the installed package, its database in the working directory."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import IS_POSTGRES
from tests.helpers import center_doc, pdf_text

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def outside_env() -> dict[str, str]:
    """This environment without PYTHONPATH: nothing of the checkout may leak into the venv."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def run(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, ok: bool = True) -> subprocess.CompletedProcess[str]:
    env = env if env is not None else outside_env()
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    if ok:
        assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel and the example plugin (pip may use the index and its cache)."""
    if not IS_POSTGRES:
        # the installed wheel runs on its own SQLite file either way; the PostgreSQL pass, which has
        # no browser stories, is the shorter of the two that CI runs side by side
        pytest.skip("the wheel is the same whatever the engine: built and run once, in the PostgreSQL pass")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"  # a clean copy: no build/ or egg-info of earlier builds
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "*.egg-info", "__pycache__", "var", ".*cache*", "node_modules"))
    stale = source / "build" / "lib" / "plugins" / "staff" / "tests"  # what an earlier build left behind
    stale.mkdir(parents=True)
    (stale / "__init__.py").write_text("", "utf-8")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", base / "dist", source)
    (wheel,) = (base / "dist").glob("govhall-*.whl")
    venv = base / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel, source / "examples" / "queue_plugin")
    return venv


def test_wheel_installs_and_runs_from_an_empty_directory(installed: Path, tmp_path: Path):
    govhall = installed / "bin" / "govhall"
    site = next((installed / "lib").glob("python3*/site-packages"))
    assert (site / "core" / "shipped" / "schemas" / "item.schema.json").is_file()
    assert (site / "core" / "shipped" / "web" / "index.html").is_file()
    assert not (site / "forms").exists() and not (site / "web").exists()
    assert (site / "plugins" / "staff" / "migrations").is_dir() and not list(site.glob("plugins/*/tests"))

    work = tmp_path / "hall"
    work.mkdir()
    env = {"PATH": f"{installed / 'bin'}:/usr/bin:/bin", "HOME": str(tmp_path), "GOVHALL_SWEEP_SECONDS": "0"}
    probe = "import core.plumbing.resources as r; print(r.shipped_dir('forms'))"
    assert run(installed / "bin" / "python", "-c", probe, cwd=work, env=env).stdout.strip() == str(site / "core" / "shipped" / "forms")

    demo = run(govhall, "demo", cwd=work, env=env)
    assert "lianzhou" in demo.stdout
    assert (work / "var" / "govhall.sqlite3").is_file()
    assert not list(site.rglob("*.sqlite3"))

    # Schema-backed commands: a center file, then one of the shipped item documents for it.
    (work / "testc.json").write_text(json.dumps(center_doc("testc", plugins=["queue"]), ensure_ascii=False), "utf-8")
    loaded = run(govhall, "center", "load", "testc.json", cwd=work, env=env)
    assert "已导入中心 testc" in loaded.stdout and "queue" in loaded.stdout
    (work / "bad.json").write_text(json.dumps({"code": "bad"}), "utf-8")
    refused = run(govhall, "center", "load", "bad.json", cwd=work, env=env, ok=False)
    assert refused.returncode != 0 and "/name" in refused.stdout + refused.stderr
    (work / "items").mkdir()
    shutil.copy(site / "core" / "shipped" / "forms" / "scjg-gssldj.json", work / "items")
    items = run(govhall, "items", "load", "items", "--center", "testc", cwd=work, env=env)
    assert "testc" in items.stdout

    port = free_port()
    server = subprocess.Popen([str(govhall), "serve", "--port", str(port)], cwd=work, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        home = httpx.get(f"{base}/", follow_redirects=True, timeout=10)
        assert home.status_code == 200 and "<script" in home.text and "text/html" in home.headers["content-type"]
        assert httpx.get(f"{base}/web/app.js", timeout=10).status_code == 200

        def gql(query: str, variables: dict, token: str | None = None) -> dict:
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            body = httpx.post(f"{base}/graphql", json={"query": query, "variables": variables}, headers=headers, timeout=60).json()
            assert "errors" not in body, body
            return body["data"]

        login = gql("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }",
                    {"u": "lz-clerk", "p": "demo1234"})
        token = login["login"]["token"]
        issued = gql('mutation { issueRegister(center: "lianzhou", from: "2026-01-01", to: "2026-01-31") {'
                     " ... on IssuedDocument { url number } ... on UserErrors { errors { code message } } } }", {}, token)
        url = issued["issueRegister"]["url"]
        pdf = httpx.get(f"{base}{url}", headers={"Authorization": f"Bearer {token}"}, timeout=60)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert issued["issueRegister"]["number"] in pdf_text(pdf.content).replace(" ", "")

        # The outside plugin, installed from its own package, answers for the center that enables it.
        applicant = gql("mutation($u: String!, $p: String!) { login(username: $u, password: $p) { ... on LoginSuccess { token } } }",
                        {"u": "zhangsan", "p": "demo1234"})["login"]["token"]
        ticket = gql('mutation { takeQueueTicket(center: "testc") { number } }', {}, applicant)
        assert ticket["takeQueueTicket"]["number"] == "A001"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output

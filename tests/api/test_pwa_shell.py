"""Install and offline shell: manifest, service worker, offline page, compression."""
from __future__ import annotations

import gzip
import struct

import pytest

from webapp.pwa import assets


def test_manifest(client):
    reply = client.get("/manifest.webmanifest")
    assert reply.status_code == 200
    assert reply.mimetype == "application/manifest+json"
    body = reply.get_json(force=True)
    assert body["name"] == "Công dân học tập — Tự đánh giá"
    assert body["short_name"] == "CDHT"
    assert body["start_url"] == "/?source=pwa"
    assert body["scope"] == "/"
    assert body["display"] == "standalone"
    assert body["theme_color"] == "#0b5d3b"
    assert body["background_color"] == "#f5f7f6"
    assert body["lang"] == "vi"
    assert body["description"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in body["icons"]}
    assert sizes == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
                     ("512x512", "maskable")}


def test_manifest_icons_are_real_pngs_of_their_size(client):
    for icon in client.get("/manifest.webmanifest").get_json(force=True)["icons"]:
        reply = client.get(icon["src"])
        assert reply.status_code == 200
        data = reply.get_data()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert f"{width}x{height}" == icon["sizes"]
        reply.close()


def test_service_worker_is_served_from_the_root(app, client):
    reply = client.get("/sw.js")
    assert reply.status_code == 200
    assert reply.mimetype == "text/javascript"
    assert reply.headers["Cache-Control"] == "no-cache"
    assert reply.headers["Service-Worker-Allowed"] == "/"
    source = reply.get_data(as_text=True)
    shell = app.extensions["cdht_pwa_shell"]
    assert f'const VERSION = "{shell.version}"' in source
    assert "__CDHT_" not in source
    for url in ["/offline", "/static/css/app.css", "/static/js/offline-form.js",
                "/static/icons/icon-192.png", "/api/criteria/IV@2023.1"]:
        assert f'"{url}"' in source
    assert '"/static/js/sw.js"' not in source


def test_every_precached_url_answers(app, client):
    shell = app.extensions["cdht_pwa_shell"]
    for url in shell.precache_urls("/static"):
        reply = client.get(url)
        assert reply.status_code == 200, url
        reply.close()


def test_version_changes_with_any_static_file(app, tmp_path):
    before = assets.build(app)
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "sw.js").write_text("// worker")
    original = app.static_folder
    try:
        app.static_folder = str(static)
        one = assets.build(app)
        (static / "js" / "a.js").write_text("export const a = 1;")
        two = assets.build(app)
        (static / "js" / "a.js").write_text("export const a = 2;")
        three = assets.build(app)
    finally:
        app.static_folder = original
    assert len({before.version, one.version, two.version, three.version}) == 4
    assert two.static_files == ("js/a.js",)


def test_offline_page_has_nothing_personal(login, make_user):
    user = make_user(full_name="Trần Thị Bình")
    reply = login(user).get("/offline")
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert "Không có kết nối mạng" in page
    assert "Trần Thị Bình" not in page
    assert "Đăng xuất" not in page


def test_pages_link_the_manifest_and_register_the_worker(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page
    assert 'rel="apple-touch-icon"' in page
    assert 'src="/static/js/sw-register.js"' in page
    assert "Có phiên bản mới" in page


@pytest.mark.parametrize("url", ["/static/css/app.css", "/api/criteria/IV@2023.1", "/sw.js"])
def test_text_is_gzipped_when_accepted(client, url):
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers
    body = plain.get_data()
    plain.close()
    packed = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == body
    assert int(packed.headers["Content-Length"]) == len(packed.get_data())
    assert len(packed.get_data()) < len(body)


def test_small_images_and_refusals_are_not_gzipped(client):
    png = client.get("/static/icons/icon-192.png", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in png.headers
    png.close()
    small = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in small.headers
    refused = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers
    refused.close()


def test_gzipped_static_file_revalidates(client):
    first = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    etag = first.headers["ETag"]
    assert etag.startswith("W/")
    first.close()
    again = client.get("/static/css/app.css",
                       headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304
    again.close()

"""Every results page renders in both languages; bad input is a clear 4xx, never a 500."""

from __future__ import annotations

import re

import pytest

from dlbench.storage import RunStore

from .conftest import add_runs, client_for

PAGES = ["/", "/runs", "/runs?task=convergence&status=finished&choice=optimizer%3Dadam",
         "/runs/{id}", "/compare?ids={ids}", "/leaderboard", "/leaderboard/convergence",
         "/figures", "/sweeps"]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@pytest.mark.parametrize("lang", ["en", "ja"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(filled, page, lang):
    _, ids = filled
    with client_for(filled[0]) as c:
        url = page.format(id=ids[0], ids=",".join(map(str, ids)))
        r = c.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
    assert r.status_code == 200, r.text[:500]
    assert f'<html lang="{lang}">' in r.text
    main = r.text.split("<main", 1)[1]
    assert bool(JAPANESE.search(main)) == (lang == "ja")


def test_runs_filters_live_in_the_url_and_select_rows(client, filled):
    r = client.get("/runs", params={"choice": "optimizer=adam", "status": "finished"})
    rows = re.findall(r'<tr data-run-id="(\d+)"', r.text)
    assert len(rows) == 2
    assert 'value="optimizer=adam"' in r.text  # the form shows the filter it came from
    assert "adam" in r.text and "optimizer=sgd" not in r.text
    r = client.get("/runs", params={"choice": "sg"})  # free text in the choices
    assert len(re.findall(r'<tr data-run-id=', r.text)) == 2
    r = client.get("/runs", params={"task": "no-such-task"})
    assert r.status_code == 200 and 'id="no-runs"' in r.text


def test_paging_keeps_the_filters(db_url):
    with RunStore(db_url, create=True) as store:
        add_runs(store, optimizers=("sgd", "adam", "momentum"), seeds=range(5))
    with client_for(db_url) as c:
        r = c.get("/runs", params={"page_size": 4, "choice": "optimizer=adam"})
        assert "5 runs match" in r.text and "page 1 of 2" in r.text
        nxt = re.search(r'id="page-next" href="([^"]+)"', r.text).group(1).replace("&amp;", "&")
        assert "choice=optimizer%3Dadam" in nxt and "page=2" in nxt
        r2 = c.get(nxt)
        assert len(re.findall(r'<tr data-run-id=', r2.text)) == 1


def test_api_runs_pages_and_counts(client, filled):
    body = client.get("/api/runs", params={"page_size": 3}).json()
    assert body["total"] == 4 and body["pages"] == 2 and len(body["runs"]) == 3
    assert [r["id"] for r in body["runs"]] == sorted(filled[1], reverse=True)[:3]
    body = client.get("/api/runs", params={"page": 2, "page_size": 3}).json()
    assert len(body["runs"]) == 1


def test_run_detail_shows_config_environment_and_series(client, filled):
    rid = filled[1][0]
    page = client.get(f"/runs/{rid}").text
    assert 'id="run-charts"' in page and f"/api/runs/{rid}/series" in page
    assert "python_version" in page and "final_loss" in page
    series = client.get(f"/api/runs/{rid}/series").json()["series"]["train_loss"]
    assert len(series["steps"]) == 20 and series["values"][0] == pytest.approx(2.1)
    detail = client.get(f"/api/runs/{rid}").json()
    assert detail["series"] == {"train_loss": 20} and detail["params"]["seed"] == 0


def test_a_diverged_series_sends_nan_as_null_and_summary_as_text(db_url):
    with RunStore(db_url, create=True) as store:
        rid = store.add_run(task="convergence", config={"seed": 0}, config_hash="x",
                            status="diverged", summary={"final_loss": float("nan"),
                                                        "steps": float("inf")},
                            series={"loss": [(0, 1.0), (1, float("nan")), (2, float("inf"))]},
                            artifacts={"w": __import__("numpy").array([1.0, float("nan"), 3.0])})
    with client_for(db_url) as c:
        s = c.get(f"/api/runs/{rid}/series").json()["series"]["loss"]
        assert s["values"] == [1.0, None, None]
        d = c.get(f"/api/runs/{rid}").json()
        assert d["summary"] == {"final_loss": "nan", "steps": "inf"}
        assert d["artifacts"][0]["max"] == 3.0 and d["artifacts"][0]["shape"] == [3]
        assert c.get(f"/runs/{rid}").status_code == 200


def test_compare_shows_only_differing_parameters_and_groups_seeds(client, filled):
    ids = ",".join(map(str, filled[1]))
    data = client.get("/api/compare", params={"ids": ids}).json()
    assert "plugins.optimizer.name" in data["differing"]
    assert "seed" not in data["differing"] and "settings.lr" not in data["differing"]
    assert data["seed_keys"] == ["seed"]
    assert len(data["groups"]) == 2 and [g["seeds"] for g in data["groups"]] == [[0, 1], [0, 1]]
    band = data["groups"][0]["series"]["train_loss"]
    assert band["n"][0] == 2 and band["lo"][0] < band["mean"][0] < band["hi"][0]
    page = client.get("/compare", params={"ids": ids}).text
    params = re.findall(r'<tr data-param="([^"]+)"', page)
    assert "plugins.optimizer.name" in params and "settings.epochs" not in params
    # the runs table's checkboxes send ids=1&ids=2
    assert client.get("/api/compare", params=[("ids", str(i)) for i in filled[1]]).json() \
        ["run_ids"] == filled[1]


def test_leaderboard_ranks_like_the_command(client):
    board = client.get("/api/leaderboard/convergence").json()
    assert board["metric"] == "steps_to_target"
    board = client.get("/api/leaderboard/convergence", params={"metric": "final_loss"}).json()
    labels = [e["label"] for e in board["entries"]]
    assert labels[0].startswith("optimizer=adam") and board["entries"][0]["n"] == 2


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_book_figure_is_drawn_by_the_plot_code(client, lang):
    r = client.get("/figures/loss-curves.svg", params={"task": "convergence", "lang": lang})
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in r.content[:500]
    png = client.get("/figures/loss-curves.png", params={"task": "convergence", "lang": lang})
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("url, status", [
    ("/runs/999999", 404), ("/api/runs/999999", 404), ("/api/runs/999999/series", 404),
    ("/runs/abc", 422), ("/api/runs/0", 422), ("/api/runs/99999999999999999999999", 422),
    ("/api/runs?status=bogus", 422), ("/api/runs?page=0", 422), ("/runs?page=-1", 422),
    ("/api/runs?page_size=100000", 422), ("/runs?page_size=100000", 422),
    ("/api/runs?task=" + "x" * 500, 422), ("/api/compare?ids=1,x", 422),
    ("/api/compare?ids=", 422), ("/compare?ids=" + ",".join(map(str, range(1, 60))), 404),
    ("/api/compare?ids=999999", 404), ("/compare", 422), ("/leaderboard/nope", 404),
    ("/api/leaderboard/nope", 404), ("/api/leaderboard/convergence?metric=nope", 400),
    ("/figures/nope.svg", 404), ("/figures/loss-curves.gif", 404),
    ("/figures/loss-curves.svg?task=overfitting", 400), ("/sweeps/999", 404),
    ("/api/sweeps/999", 404), ("/sweeps/999/events", 404), ("/api/runs?choice=%00", 200),
])
def test_bad_input_gets_a_clear_error_with_the_right_status(client, url, status):
    r = client.get(url)
    assert r.status_code == status, r.text[:300]
    if url.startswith("/api/"):
        assert r.headers["content-type"].startswith("application/json")
        if status >= 400:
            assert r.json()["detail"]
    elif status >= 400:
        assert 'id="error-message"' in r.text
    assert "Traceback" not in r.text


def test_validation_message_names_the_field(client):
    r = client.get("/api/runs", params={"page_size": 100000})
    assert "page_size" in r.json()["detail"] and "200" in r.json()["detail"]
    r = client.get("/runs", params={"page_size": 100000})
    assert "page_size" in r.text


def test_missing_database_is_a_clear_page_and_json(tmp_path):
    url = f"sqlite:///{tmp_path / 'absent.db'}"
    with client_for(url) as c:
        r = c.get("/runs")
        assert r.status_code == 503 and "no results database" in r.text
        assert "dlbench run" in r.text
        home = c.get("/")  # the first start: the home page still explains what to do
        assert home.status_code == 200 and 'id="db-problem"' in home.text
        assert 'id="first-steps"' in home.text
        r = c.get("/api/runs")
        assert r.status_code == 503 and "no results database" in r.json()["detail"]
        assert not (tmp_path / "absent.db").exists()  # reading never creates it
        with RunStore(url, create=True) as store:  # created later: found on the next request
            add_runs(store, optimizers=("sgd",), seeds=(0,))
        assert c.get("/api/runs").json()["total"] == 1


def test_compare_reads_at_most_40_runs_and_says_which_were_left_out(db_url):
    from dlbench.web.compare import MAX_COMPARE

    with RunStore(db_url, create=True) as store:
        ids = add_runs(store, optimizers=("sgd", "adam", "momentum"), seeds=range(15), steps=3)
    with client_for(db_url) as c:
        data = c.get("/api/compare", params={"ids": ",".join(map(str, ids))}).json()
        assert data["run_ids"] == ids[:MAX_COMPARE] and data["left_out"] == ids[MAX_COMPARE:]
        page = c.get("/compare", params={"ids": ",".join(map(str, ids))})
        assert page.status_code == 200 and 'id="compare-left-out"' in page.text


def test_a_parameter_one_group_lacks_says_so_in_the_page_language(db_url):
    with RunStore(db_url, create=True) as store:
        ids = [store.add_run(task="convergence", config=config, config_hash=f"h{i}",
                             status="finished", seed=0, summary={"final_loss": 1.0})
               for i, config in enumerate(({"momentum": 0.9}, {"betas": [0.9, 0.999]}))]
    with client_for(db_url) as c:
        pages = {lang: c.get("/compare", params={"ids": ",".join(map(str, ids)), "lang": lang}).text
                 for lang in ("en", "ja")}
    assert "<td>(not set)</td>" in pages["en"]
    assert "<td>（設定なし）</td>" in pages["ja"] and "(not set)" not in pages["ja"]


def test_the_leaderboard_says_which_way_is_better_in_the_page_language(client):
    en = client.get("/leaderboard/convergence", params={"lang": "en"}).text
    ja = client.get("/leaderboard/convergence", params={"lang": "ja"}).text
    assert "lower is better" in en
    assert "小さいほど良い" in ja and "lower is better" not in ja
    target = client.get("/leaderboard/vanishing-gradients", params={"lang": "ja"}).text
    assert "1 に近いほど良い（距離 |log10(v / 1)|）" in target

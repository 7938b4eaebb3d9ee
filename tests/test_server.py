"""The HTTP server against a real uvicorn on loopback: OpenAI client, voices, limits."""

from __future__ import annotations

import io
import tempfile
import threading
import time
from dataclasses import fields

import numpy as np
import pytest
import soundfile

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

from test_server_support import REFERENCE_WAV, TRANSCRIPT, LiveServer, library_with_voice  # noqa: E402
from timbrel.controls import SynthesisConfig  # noqa: E402
from timbrel.server import ServerLimits, create_app  # noqa: E402
from timbrel.server.controls_info import EXCLUDED  # noqa: E402

KEY = "test-key-123"
AUTH = {"Authorization": f"Bearer {KEY}"}
LIMITS = ServerLimits(max_text_chars=300, max_upload_bytes=1_000_000, max_pending_jobs=8)
SHORT = "Hello there, this is a test."


@pytest.fixture(scope="module")
def server(tmp_path_factory, voice):
    library = library_with_voice(tmp_path_factory.mktemp("library"), voice)
    with LiveServer(create_app(library, api_key=KEY, limits=LIMITS)) as live:
        live.library = library
        yield live


@pytest.fixture()
def client(server):
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=120) as http:
        yield http


def speech(client, **body):
    payload = {"model": "tts-1", "voice": "rainbow", "input": SHORT, "response_format": "wav"}
    return client.post("/v1/audio/speech", json=payload | body)


def decode(data: bytes) -> tuple[np.ndarray, int]:
    try:
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float32")
        return samples, rate
    except Exception:  # noqa: BLE001 - mp3 and opus go through FFmpeg
        import av

        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.audio[0]
            frames = [frame.to_ndarray().reshape(-1) for frame in container.decode(stream)]
            return np.concatenate(frames), stream.rate


# --- OpenAI compatibility ---------------------------------------------------------------


def test_openai_client_unchanged(server, tmp_path):
    openai = pytest.importorskip("openai")
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key=KEY, max_retries=0)
    response = client.audio.speech.create(model="tts-1", voice="rainbow", input=SHORT,
                                          response_format="wav", speed=1.1)
    out = tmp_path / "openai.wav"
    response.write_to_file(out)
    samples, rate = soundfile.read(str(out), dtype="float32")
    assert 1.0 < len(samples) / rate < 6.0
    assert np.sqrt(np.mean(samples**2)) > 0.01

    extras = client.audio.speech.create(model="tts-1", voice="rainbow", input=SHORT,
                                        response_format="mp3",
                                        extra_body={"seed": 7, "pitch_shift": 2.0})
    assert decode(extras.content)[0].size > 0

    with client.audio.speech.with_streaming_response.create(
            model="tts-1", voice="rainbow", response_format="pcm",
            input="First sentence here. Then a second one. And a third to finish.") as stream:
        pieces = list(stream.iter_bytes())
    assert len(pieces) >= 2 and len(b"".join(pieces)) % 2 == 0

    with pytest.raises(openai.NotFoundError, match="no voice named"):
        client.audio.speech.create(model="tts-1", voice="alloy", input=SHORT)
    wrong = openai.OpenAI(base_url=f"{server.url}/v1", api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError):
        wrong.audio.speech.create(model="tts-1", voice="rainbow", input=SHORT)


@pytest.mark.parametrize("fmt", ["wav", "mp3", "opus", "flac", "pcm"])
def test_every_response_format_decodes(client, fmt):
    response = speech(client, response_format=fmt)
    assert response.status_code == 200, response.text
    if fmt == "pcm":
        samples = np.frombuffer(response.content, "<i2")
        assert response.headers["content-type"] == "audio/pcm"
        assert 1.0 < len(samples) / 24000 < 6.0
        return
    samples, rate = decode(response.content)
    assert 1.0 < len(samples) / rate < 6.0


def test_same_seed_same_audio_under_concurrency(client):
    results: list[bytes] = []

    def one() -> None:
        results.append(speech(client, seed=11).content)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 4 and len(set(results)) == 1  # one engine, used safely


def test_every_synthesis_control_is_served(client):
    described = client.get("/v1/controls").json()
    names = {field["name"] for field in described["fields"]}
    expected = {item.name for item in fields(SynthesisConfig)} - set(EXCLUDED)
    assert names == expected
    schema = client.get("/openapi.json").json()
    request = schema["components"]["schemas"]["SpeechRequest"]["properties"]
    assert expected <= set(request) and {"model", "input", "voice", "speed"} <= set(request)
    assert speech(client, sentence_pause=0.1, loudness_lufs=-20.0, seed=3).status_code == 200
    lexicon = [{"word": "tomato", "phoneme": "t ə m ˈɑː t oʊ"}]
    response = speech(client, input="A tomato.", lexicon=lexicon, emotion="happy")
    assert response.status_code == 200, response.text


# --- errors are 4xx JSON --------------------------------------------------------------


@pytest.mark.parametrize("body, status", [
    ({"input": ""}, 422),
    ({"input": "x" * 301}, 422),
    ({"voice": "nobody"}, 404),
    ({"voice": "../../etc/passwd"}, 400),
    ({"speed": 9.0}, 422),
    ({"response_format": "aiff"}, 422),
    ({"bogus": 1}, 422),
    ({"input": "... !!! ..."}, 400),
    ({"seed": -1}, 422),
    ({"emotion_reference": "/etc/passwd"}, 422),  # server file paths are never read
    ({"lexicon": "/etc/passwd"}, 422),
    ({"emotion": [0.5] * 3}, 400),
])
def test_bad_speech_requests_are_4xx_json(client, body, status):
    response = speech(client, **body)
    assert response.status_code == status, response.text
    assert response.json()["error"]["message"]


def test_api_key_on_every_route_but_health(server):
    assert httpx.get(f"{server.url}/health").json()["api_key_required"] is True
    for path in ("/v1/voices", "/v1/voices/rainbow", "/v1/controls", "/v1/models"):
        response = httpx.get(f"{server.url}{path}")
        assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
        wrong = httpx.get(f"{server.url}{path}", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert httpx.get(f"{server.url}{path}", headers=AUTH).status_code == 200
    assert httpx.post(f"{server.url}/v1/audio/speech", json={}).status_code == 401


# --- voices ---------------------------------------------------------------------------


def upload(client, name, data, filename="clip.wav", **fields_):
    form = {"name": name, "consent": "test recording, codec2-examples",
            "transcript": TRANSCRIPT} | fields_
    return client.post("/v1/voices", data=form, files={"file": (filename, data, "audio/wav")})


def test_voice_lifecycle_and_uploads_stay_in_memory(client, server, tmp_path, monkeypatch):
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    data = REFERENCE_WAV.read_bytes()

    check = client.post("/v1/references/check", files={"file": ("anything.txt", data)})
    assert check.status_code == 200 and check.json()["usable"] is True
    created = upload(client, "amy", data, filename="../../evil.wav")
    assert created.status_code == 201, created.text
    assert created.json()["transcript"] == TRANSCRIPT
    assert upload(client, "amy", data).status_code == 409
    assert upload(client, "amy", data, overwrite="true").status_code == 201
    names = [voice["name"] for voice in client.get("/v1/voices").json()["data"]]
    assert names == ["amy", "rainbow"]
    detail = client.get("/v1/voices/amy").json()
    assert detail["consent"] == "test recording, codec2-examples"
    assert speech(client, voice="amy").status_code == 200

    assert client.delete("/v1/voices/amy").json()["deleted"] is True
    assert client.get("/v1/voices/amy").status_code == 404
    assert client.delete("/v1/voices/amy").status_code == 404

    assert list(spool.iterdir()) == []  # nothing spooled to the temp folder
    root = server.library.root
    written = sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
    assert written == ["index.sqlite", "voices/rainbow.tvoice"]


def test_watermark_detect_route(client):
    marked = speech(client, response_format="wav")
    assert marked.status_code == 200
    found = client.post("/v1/watermark/detect", files={"file": ("out.wav", marked.content)})
    assert found.status_code == 200 and found.json()["present"] is True
    plain = client.post("/v1/watermark/detect",
                        files={"file": ("ref.wav", REFERENCE_WAV.read_bytes())})
    assert plain.status_code == 200 and plain.json()["present"] is False
    assert client.post("/v1/watermark/detect",
                       files={"file": ("x.wav", b"not audio at all")}).status_code == 415


def test_audio_type_is_judged_by_content(client):
    fake = b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(200)
    assert upload(client, "fake", fake).status_code == 415
    text = upload(client, "text", b"hello, I am not audio at all" * 10, filename="voice.wav")
    assert text.status_code == 415 and text.json()["error"]["code"] == "not_audio"
    silent = io.BytesIO()
    soundfile.write(silent, np.zeros(16000 * 5, np.float32), 16000, format="FLAC")
    unusable = upload(client, "silent", silent.getvalue(), filename="x.mp3")
    assert unusable.status_code == 422 and "silent" in unusable.json()["error"]["message"]


@pytest.mark.parametrize("form, status", [
    ({"name": "../escape"}, 400),
    ({"name": ""}, 400),
    ({"consent": "  "}, 400),
    ({"language": "fr"}, 400),
    ({"overwrite": "maybe"}, 400),
])
def test_bad_voice_forms_are_4xx(client, form, status):
    response = upload(client, form.pop("name", "okname"), REFERENCE_WAV.read_bytes(), **form)
    assert response.status_code == status, response.text


def test_upload_limits(client):
    big = io.BytesIO()
    soundfile.write(big, np.zeros(16000 * 40, np.float32), 16000, format="WAV")  # 1.28 MB
    too_big = upload(client, "big", big.getvalue())
    assert too_big.status_code == 413
    no_file = client.post("/v1/voices", data={"name": "x", "consent": "me"},
                          files={"other": ("a.txt", b"x")})
    assert no_file.status_code == 400
    not_form = client.post("/v1/voices", content=b"raw", headers={"content-type": "audio/wav"})
    assert not_form.status_code == 415
    broken = client.post("/v1/voices", content=b"--xx\r\nbroken",
                         headers={"content-type": "multipart/form-data; boundary=xx"})
    assert broken.status_code == 400


# --- queue ----------------------------------------------------------------------------


def test_full_queue_answers_429_with_retry_after(tmp_path, voice):
    library = library_with_voice(tmp_path / "lib", voice)
    limits = ServerLimits(max_pending_jobs=1)
    long_text = " ".join(["This sentence keeps the engine busy for a while."] * 12)
    with LiveServer(create_app(library, limits=limits)) as live:
        with httpx.Client(base_url=live.url, timeout=120) as http:
            body = {"model": "tts-1", "voice": "rainbow", "response_format": "pcm"}
            with http.stream("POST", "/v1/audio/speech", json=body | {"input": long_text}) as busy:
                assert busy.status_code == 200
                refused = http.post("/v1/audio/speech", json=body | {"input": SHORT})
                assert refused.status_code == 429
                assert int(refused.headers["retry-after"]) >= 1
                assert refused.json()["error"]["code"] == "queue_full"
                next(busy.iter_bytes())  # the client walks away mid-stream
            deadline = time.monotonic() + 60
            while http.get("/health").json()["queue"]["pending"] and time.monotonic() < deadline:
                time.sleep(0.1)
            assert http.post("/v1/audio/speech", json=body | {"input": SHORT}).status_code == 200


# --- factory and command --------------------------------------------------------------


def test_create_app_has_no_side_effects(tmp_path):
    before = set(threading.enumerate())
    app = create_app(tmp_path / "lib", warm_up=False)
    other = create_app(tmp_path / "lib", warm_up=False)
    # no thread started by the factory (threads of earlier tests may finish meanwhile)
    assert app is not other and set(threading.enumerate()) <= before
    assert not (tmp_path / "lib").exists()  # nothing touched until a request needs it


def test_serve_command_defaults_to_loopback():
    from timbrel.cli import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.api_key, args.open_browser) == ("127.0.0.1", 8000,
                                                                      None, False)
    ui = build_parser().parse_args(["ui", "--no-browser", "--port", "9000"])
    assert ui.open_browser is False and ui.port == 9000


def test_oversized_json_body_is_refused(client):
    response = client.post("/v1/audio/speech", content=b"{" + b" " * 1_200_000 + b"}",
                           headers={"content-type": "application/json"})
    assert response.status_code == 413

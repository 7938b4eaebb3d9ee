import pytest

from timbrel.library import LibraryError, VoiceLibrary


def test_add_get_list_remove(voice, tmp_path):
    library = VoiceLibrary(tmp_path)
    library.add("mom", voice)
    assert "mom" in library
    assert library.get("mom").id == voice.id
    [entry] = library.list()
    assert entry.name == "mom" and entry.ok and entry.consent == voice.consent
    with pytest.raises(LibraryError, match="already exists"):
        library.add("mom", voice)
    library.add("mom", voice, overwrite=True)
    library.remove("mom")
    assert library.list() == []
    with pytest.raises(LibraryError, match="no voice named 'mom'"):
        library.get("mom")


def test_corrupt_voice_is_reported_and_others_still_listed(voice, tmp_path):
    library = VoiceLibrary(tmp_path)
    library.add("good", voice)
    library.add("broken", voice)
    library.path_for("broken").write_bytes(b"garbage")
    entries = {entry.name: entry for entry in library.list()}
    assert entries["good"].ok
    assert not entries["broken"].ok and "corrupt" in entries["broken"].problem


@pytest.mark.parametrize("name", ["", "../escape", "a/b", ".hidden", "x" * 65])
def test_bad_names_are_refused(voice, tmp_path, name):
    with pytest.raises(LibraryError, match="bad voice name"):
        VoiceLibrary(tmp_path).add(name, voice)


def test_write_is_atomic_no_temp_files(voice, tmp_path):
    library = VoiceLibrary(tmp_path)
    library.add("v", voice)
    leftovers = [p.name for p in library.voice_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == []

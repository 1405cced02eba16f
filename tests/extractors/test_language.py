from extractors.language import guess_language


def test_indonesian_and_english_and_too_short():
    assert (
        guess_language(
            "Presiden mengatakan bahwa pemerintah akan membangun jalan di wilayah timur "
            "pada tahun depan untuk warga yang tinggal di desa."
        )
        == "id"
    )
    assert (
        guess_language(
            "The president said that the government will build roads in the east "
            "next year for the people who live in the villages."
        )
        == "en"
    )
    assert guess_language("Jakarta -") is None

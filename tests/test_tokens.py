"""Word-level detokenisation."""

import pytest

from lexiloom.tokens import Token, join_words


@pytest.mark.parametrize(
    "words, text",
    [
        (["Hello", ",", "world", "!"], "Hello, world!"),
        (["Do", "n't", "stop", "."], "Don't stop."),
        (["a", "(", "b", ")", "c"], "a (b) c"),
        (["it", "'s", "100", "%"], "it's 100%"),
        ([], ""),
        (["", "a", ""], "a"),
    ],
)
def test_join_words_spaces_punctuation_like_english_text(words, text):
    assert join_words(words) == text


def test_token_is_a_named_tuple_with_stop_flag_default_false():
    token = Token("Cats", 0, 4, "cats")
    assert token.is_stop is False
    assert token._asdict() == {"text": "Cats", "start": 0, "end": 4, "norm": "cats",
                               "is_stop": False}

import pytest

from core.text import split_bullets, split_names, to_halfwidth_digits, unify_tildes


def test_bullets_accept_every_marker_people_type():
    typed = "・一つ目\n- 二つ目\n●三つ目\n〇四つ目\n・ 五つ目\n\n六つ目\r\n　・全角空白の後"
    assert split_bullets(typed) == [
        "一つ目",
        "二つ目",
        "三つ目",
        "四つ目",
        "五つ目",
        "六つ目",
        "全角空白の後",
    ]


def test_a_middle_dot_inside_a_line_is_not_a_bullet():
    assert split_bullets("システム管理・企画業務") == ["システム管理・企画業務"]


@pytest.mark.parametrize(
    "typed",
    ["〇〇地区の見守り", "〇歳児の健診", "－５％を目指す", "-10%", "○○課と連携", "〇人"],
)
def test_a_marker_is_removed_only_when_it_is_a_marker_followed_by_text(typed):
    assert split_bullets(typed) == [typed]
    assert split_bullets(f"・{typed}") == [typed]
    assert split_bullets(f"- {typed}") == [typed]


def test_a_marker_followed_by_text_is_removed():
    assert split_bullets("〇一つ目\n-二つ目\n－ 三つ目\n・・四つ目") == [
        "一つ目",
        "二つ目",
        "三つ目",
        "四つ目",
    ]


def test_section_names_split_on_line_breaks_and_commas():
    assert split_names("生活福祉課\n障害福祉課、高齢福祉課") == [
        "生活福祉課",
        "障害福祉課",
        "高齢福祉課",
    ]


def test_fullwidth_digits_and_tildes():
    assert to_halfwidth_digits("１２月") == "12月"
    assert unify_tildes("80~50%") == unify_tildes("80〜50%") == "80～50%"

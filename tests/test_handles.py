import pytest
from django.core.exceptions import ValidationError
from hypothesis import assume, given
from hypothesis import strategies as st

from registry import handles
from registry.handles import FACEBOOK, INSTAGRAM, THREADS, TIKTOK, X, YOUTUBE

# (what the clerk pasted, platform chosen or None, expected platform, username)
VALID = [
    # Instagram
    ("@budi.s", INSTAGRAM, INSTAGRAM, "budi.s"),
    ("budi.s", INSTAGRAM, INSTAGRAM, "budi.s"),
    ("https://www.instagram.com/budi.s/?hl=id", None, INSTAGRAM, "budi.s"),
    ("instagram.com/budi.s", None, INSTAGRAM, "budi.s"),
    ("http://instagram.com/Budi.S", None, INSTAGRAM, "budi.s"),
    ("https://m.instagram.com/budi_s/", INSTAGRAM, INSTAGRAM, "budi_s"),
    ("www.instagram.com/budi.s#top", None, INSTAGRAM, "budi.s"),
    ("https://www.instagram.com/budi.s?igsh=MWQ1ZGUxMzBkMA==", None, INSTAGRAM, "budi.s"),
    ("  @BUDI.S  ", INSTAGRAM, INSTAGRAM, "budi.s"),
    ("budi.s/", INSTAGRAM, INSTAGRAM, "budi.s"),
    ("a", INSTAGRAM, INSTAGRAM, "a"),
    ("_", INSTAGRAM, INSTAGRAM, "_"),
    ("humas.acehbesar", INSTAGRAM, INSTAGRAM, "humas.acehbesar"),
    ("a" * 30, INSTAGRAM, INSTAGRAM, "a" * 30),
    ("b.u.d.i", INSTAGRAM, INSTAGRAM, "b.u.d.i"),
    ("instagr.am/budi", None, INSTAGRAM, "budi"),
    ("@ budi.s ", INSTAGRAM, INSTAGRAM, "budi.s"),
    ("IG: @budi.s", INSTAGRAM, INSTAGRAM, "budi.s"),
    ("Instagram : https://www.instagram.com/budi.s/", None, INSTAGRAM, "budi.s"),
    ("https://www.instagram.com/_u/budi.s", None, INSTAGRAM, "budi.s"),
    # TikTok
    ("https://www.tiktok.com/@budi_s?lang=id", None, TIKTOK, "budi_s"),
    ("tiktok: @budi_s", TIKTOK, TIKTOK, "budi_s"),
    ("Tik Tok: budi_s", None, TIKTOK, "budi_s"),
    ("tiktok.com/@budi_s", None, TIKTOK, "budi_s"),
    ("https://m.tiktok.com/@Budi.S/", TIKTOK, TIKTOK, "budi.s"),
    ("@budi_s", TIKTOK, TIKTOK, "budi_s"),
    ("budi_s", TIKTOK, TIKTOK, "budi_s"),
    ("bs", TIKTOK, TIKTOK, "bs"),
    ("b" * 24, TIKTOK, TIKTOK, "b" * 24),
    ("b..s", TIKTOK, TIKTOK, "b..s"),
    ("www.tiktok.com/@pemkab.okutimur", None, TIKTOK, "pemkab.okutimur"),
    ("https://www.tiktok.com/@budi_s#x", None, TIKTOK, "budi_s"),
    ("_budi", TIKTOK, TIKTOK, "_budi"),
    ("budi.2", TIKTOK, TIKTOK, "budi.2"),
    ("123", TIKTOK, TIKTOK, "123"),
    ("https://tiktok.com/@budi_s?is_from_webapp=1&sender_device=pc", None, TIKTOK, "budi_s"),
    ("@BUDI_S", TIKTOK, TIKTOK, "budi_s"),
    # X
    ("x.com/budi", None, X, "budi"),
    ("twitter.com/budi", None, X, "budi"),
    ("https://twitter.com/Budi_S?ref_src=twsrc", None, X, "budi_s"),
    ("https://mobile.twitter.com/budi/", X, X, "budi"),
    ("https://www.x.com/budi", None, X, "budi"),
    ("@budi", X, X, "budi"),
    ("b", X, X, "b"),
    ("b" * 15, X, X, "b" * 15),
    ("budi_123", X, X, "budi_123"),
    ("_", X, X, "_"),
    ("x.com/humas_sumsel", X, X, "humas_sumsel"),
    ("https://x.com/budi#a", None, X, "budi"),
    ("BUDI", X, X, "budi"),
    ("12345", X, X, "12345"),
    ("twitter.com/budi/", None, X, "budi"),
    # Facebook
    ("https://m.facebook.com/budi.santoso", None, FACEBOOK, "budi.santoso"),
    ("facebook.com/budi.santoso", None, FACEBOOK, "budi.santoso"),
    ("https://www.facebook.com/profile.php?id=100012345678", None, FACEBOOK, "100012345678"),
    ("https://web.facebook.com/Budi.Santoso/?locale=id_ID", None, FACEBOOK, "budi.santoso"),
    ("fb.com/budisantoso", None, FACEBOOK, "budisantoso"),
    ("budi.santoso", FACEBOOK, FACEBOOK, "budi.santoso"),
    ("@budi.santoso", FACEBOOK, FACEBOOK, "budi.santoso"),
    ("budis", FACEBOOK, FACEBOOK, "budis"),
    ("pemkab.sukamaju", FACEBOOK, FACEBOOK, "pemkab.sukamaju"),
    ("100012345678", FACEBOOK, FACEBOOK, "100012345678"),
    ("1", FACEBOOK, FACEBOOK, "1"),
    ("https://facebook.com/profile.php?id=42&sk=about", None, FACEBOOK, "42"),
    ("facebook.com/humas.acehbesar/", None, FACEBOOK, "humas.acehbesar"),
    ("b.u.d.i.s", FACEBOOK, FACEBOOK, "b.u.d.i.s"),
    ("https://mobile.facebook.com/budi.santoso", None, FACEBOOK, "budi.santoso"),
    # YouTube
    ("youtube.com/@budi", None, YOUTUBE, "budi"),
    ("https://www.youtube.com/@Budi-S", None, YOUTUBE, "budi-s"),
    ("https://m.youtube.com/@budi.s/videos", None, YOUTUBE, "budi.s"),
    ("@budi", YOUTUBE, YOUTUBE, "budi"),
    ("bud", YOUTUBE, YOUTUBE, "bud"),
    ("b" * 30, YOUTUBE, YOUTUBE, "b" * 30),
    ("budi_s-1.a", YOUTUBE, YOUTUBE, "budi_s-1.a"),
    ("https://youtube.com/@diskominfo-sukamaju?si=abc", None, YOUTUBE, "diskominfo-sukamaju"),
    ("www.youtube.com/@budi", YOUTUBE, YOUTUBE, "budi"),
    ("---", YOUTUBE, YOUTUBE, "---"),
    ("BUDI", YOUTUBE, YOUTUBE, "budi"),
    ("youtube.com/@budi/", None, YOUTUBE, "budi"),
    ("123", YOUTUBE, YOUTUBE, "123"),
    ("youtube.com/@budi#x", None, YOUTUBE, "budi"),
    ("@b.u", YOUTUBE, YOUTUBE, "b.u"),
    # Threads
    ("threads.net/@budi.s", None, THREADS, "budi.s"),
    ("https://www.threads.com/@budi.s", None, THREADS, "budi.s"),
    ("https://www.threads.net/@Budi_S?xmt=1", None, THREADS, "budi_s"),
    ("@budi.s", THREADS, THREADS, "budi.s"),
    ("budi.s", THREADS, THREADS, "budi.s"),
    ("a", THREADS, THREADS, "a"),
    ("a" * 30, THREADS, THREADS, "a" * 30),
    ("threads.com/@budi/", THREADS, THREADS, "budi"),
    ("b_u.d", THREADS, THREADS, "b_u.d"),
    ("threads.net/@humas.sumsel", None, THREADS, "humas.sumsel"),
    ("BUDI", THREADS, THREADS, "budi"),
    ("_b_", THREADS, THREADS, "_b_"),
    ("threads.net/@b", None, THREADS, "b"),
    ("b.1", THREADS, THREADS, "b.1"),
    ("threads.com/@budi#a", None, THREADS, "budi"),
]

# platform: [(what the clerk pasted, platform chosen or None, error code)]
INVALID = {
    INSTAGRAM: [
        ("https://www.instagram.com/p/C1a2b3c4d5/", None, "not_profile"),
        ("https://www.instagram.com/reel/C1a2b3c4d5/", None, "not_profile"),
        ("instagram.com/reels/abc/", None, "not_profile"),
        ("instagram.com/stories/budi/123/", None, "not_profile"),
        ("instagram.com/explore/tags/humas/", None, "not_profile"),
        ("instagram.com/", None, "not_profile"),
        ("budi..s", INSTAGRAM, "invalid"),
        ("budi.", INSTAGRAM, "invalid"),
        ("a" * 31, INSTAGRAM, "invalid"),
        ("budi-s", INSTAGRAM, "invalid"),
        ("budi s", INSTAGRAM, "invalid"),
        ("explore", INSTAGRAM, "reserved"),
        ("büdi", INSTAGRAM, "invalid"),
        ("budi.s", None, "no_platform"),
        ("https://www.tiktok.com/@budi_s", INSTAGRAM, "platform_mismatch"),
    ],
    TIKTOK: [
        ("https://vt.tiktok.com/ZSabc123/", None, "short_link"),
    ("tiktok: @budi_s", INSTAGRAM, "platform_mismatch"),
    ("ig: https://www.tiktok.com/@budi_s", None, "platform_mismatch"),
        ("vm.tiktok.com/ZSabc123", None, "short_link"),
        ("https://www.tiktok.com/@budi_s/video/7300000000000000000", None, "not_profile"),
        ("https://www.tiktok.com/budi_s", None, "not_profile"),
        ("tiktok.com/tag/humas", None, "not_profile"),
        ("b", TIKTOK, "invalid"),
        ("b" * 25, TIKTOK, "invalid"),
        ("budi.", TIKTOK, "invalid"),
        ("budi-s", TIKTOK, "invalid"),
        ("bu di", TIKTOK, "invalid"),
        ("tiktok.com/", None, "not_profile"),
        ("https://www.tiktok.com/@", None, "invalid"),
        ("budi$", TIKTOK, "invalid"),
        ("x.com/budi", TIKTOK, "platform_mismatch"),
        ("@", TIKTOK, "invalid"),
    ],
    X: [
        ("https://x.com/budi/status/1790000000000000000", None, "not_profile"),
        ("twitter.com/i/flow/login", None, "not_profile"),
        ("x.com/home", None, "not_profile"),
        ("x.com/search?q=humas", None, "not_profile"),
        ("https://t.co/abc123", None, "short_link"),
        ("b" * 16, X, "invalid"),
        ("budi.s", X, "invalid"),
        ("budi-s", X, "invalid"),
        ("", X, "empty"),
        ("x.com/hashtag/humas", None, "not_profile"),
        ("twitter.com/", None, "not_profile"),
        ("bu!di", X, "invalid"),
        ("@", X, "invalid"),
        ("instagram.com/budi", X, "platform_mismatch"),
        ("x.com/intent/follow?screen_name=budi", None, "not_profile"),
    ],
    FACEBOOK: [
        ("https://www.facebook.com/groups/123456/", None, "not_profile"),
        ("https://www.facebook.com/share/abc123/", None, "not_profile"),
        ("https://fb.watch/abc/", None, "short_link"),
        ("https://fb.me/budi", None, "short_link"),
        ("facebook.com/profile.php", None, "not_profile"),
        ("facebook.com/profile.php?id=abc", None, "not_profile"),
        ("facebook.com/watch/?v=123", None, "not_profile"),
        ("facebook.com/story.php?story_fbid=1&id=2", None, "not_profile"),
        ("budi", FACEBOOK, "invalid"),
        ("budi_santoso", FACEBOOK, "invalid"),
        ("budi-santoso", FACEBOOK, "invalid"),
        ("facebook.com/events/123/", None, "not_profile"),
        ("facebook.com/permalink.php?story_fbid=1", None, "not_profile"),
        ("facebook.com/", None, "not_profile"),
        ("budi santoso", FACEBOOK, "invalid"),
    ],
    YOUTUBE: [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", None, "not_profile"),
        ("https://youtu.be/dQw4w9WgXcQ", None, "short_link"),
        ("https://www.youtube.com/shorts/abc", None, "not_profile"),
        ("https://www.youtube.com/channel/UC1234567890", None, "not_profile"),
        ("youtube.com/c/budi", None, "not_profile"),
        ("youtube.com/user/budi", None, "not_profile"),
        ("youtube.com/budi", None, "not_profile"),
        ("bu", YOUTUBE, "invalid"),
        ("b" * 31, YOUTUBE, "invalid"),
        ("bu di", YOUTUBE, "invalid"),
        ("bu!di", YOUTUBE, "invalid"),
        ("youtube.com/", None, "not_profile"),
        ("youtube.com/playlist?list=PL1", None, "not_profile"),
        ("threads.net/@budi", YOUTUBE, "platform_mismatch"),
        ("@", YOUTUBE, "invalid"),
    ],
    THREADS: [
        ("threads.net/budi", None, "not_profile"),
        ("threads.net/t/C1a2b3", None, "not_profile"),
        ("threads.com/search?q=x", None, "not_profile"),
        ("threads.net/", None, "not_profile"),
        ("budi..s", THREADS, "invalid"),
        ("budi.", THREADS, "invalid"),
        ("a" * 31, THREADS, "invalid"),
        ("budi-s", THREADS, "invalid"),
        ("bu!di", THREADS, "invalid"),
        ("instagram.com/budi", THREADS, "platform_mismatch"),
        ("@", THREADS, "invalid"),
        ("threads.net/@budi..s", None, "invalid"),
        ("threads.net/@budi.", None, "invalid"),
        ("budi", None, "no_platform"),
        ("myspace.com/budi", None, "unknown_site"),
    ],
}


@pytest.mark.parametrize("text,chosen,platform,username", VALID)
def test_pasted_text_becomes_a_bare_handle(text, chosen, platform, username):
    assert handles.parse(text, chosen) == handles.Handle(platform, username)


@pytest.mark.parametrize(
    "text,chosen,code", [case for cases in INVALID.values() for case in cases]
)
def test_what_is_not_a_profile_is_refused_with_a_reason(text, chosen, code):
    with pytest.raises(ValidationError) as e:
        handles.parse(text, chosen)
    assert e.value.code == code
    assert e.value.messages[0]


def test_each_rule_has_fifteen_cases_each_way():
    for platform in handles.RULES:
        assert len([c for c in VALID if c[2] == platform]) >= 15, platform
        assert len(INVALID[platform]) >= 15, platform


def test_messages_explain_in_indonesian():
    with pytest.raises(ValidationError) as e:
        handles.parse("https://www.instagram.com/p/C1a2b3c4d5/")
    assert "bukan profil" in e.value.messages[0]
    with pytest.raises(ValidationError) as e:
        handles.parse("https://vt.tiktok.com/ZSabc123/")
    assert "tautan pendek" in e.value.messages[0]


@pytest.mark.parametrize(
    "cell", ["", None, "-", " - ", "0", "tidak ada", "Tidak Ada", "TIDAK PUNYA", "belum ada", "Belum  punya"]
)
def test_no_account_markers(cell):
    assert handles.is_no_account(cell)


@pytest.mark.parametrize("cell", ["budi", "@budi", "tidak", "ada", "00"])
def test_real_values_are_not_no_account(cell):
    assert not handles.is_no_account(cell)


def _valid_handles():
    instagram = st.from_regex(r"[a-z0-9_](?:[a-z0-9_]|\.(?=[a-z0-9_])){0,29}", fullmatch=True).filter(
        lambda h: len(h) <= 30
    )
    return st.one_of(
        st.tuples(st.just(INSTAGRAM), instagram),
        st.tuples(st.just(THREADS), instagram),
        st.tuples(st.just(TIKTOK), st.from_regex(r"[a-z0-9._]{1,23}[a-z0-9_]", fullmatch=True)),
        st.tuples(st.just(X), st.from_regex(r"[a-z0-9_]{1,15}", fullmatch=True)),
        st.tuples(
            st.just(FACEBOOK),
            st.one_of(st.from_regex(r"[a-z0-9.]{5,40}", fullmatch=True), st.from_regex(r"[0-9]{1,20}", fullmatch=True)),
        ),
        st.tuples(st.just(YOUTUBE), st.from_regex(r"[a-z0-9._-]{3,30}", fullmatch=True)),
    )


@given(_valid_handles())
def test_every_valid_handle_survives_its_profile_url(pair):
    platform, username = pair
    assume(not handles.is_reserved(platform, username))
    handle = handles.parse(username, platform)
    assert handle == handles.Handle(platform, username)
    assert handles.parse(handle.url) == handle
    assert handles.parse(handle.url, platform) == handle


@given(st.sampled_from(VALID), st.sampled_from(["", " ", "\u00a0"]))
def test_normalising_is_idempotent(case, padding):
    text, chosen, _, _ = case
    once = handles.parse(padding + text + padding, chosen)
    assert handles.parse(once.username, once.platform) == once
    assert handles.parse("@" + once.username, once.platform) == once


# Links to one post (DESIGN §9): (pasted, platform, kode, handle it names) or (pasted, None, reason code).
POSTS = [
    # Instagram: posts, reels, TV, stories, highlights; with igsh, utm_*, img_index.
    ("https://www.instagram.com/p/C0aBcDeFgHi/", INSTAGRAM, "p/C0aBcDeFgHi", ""),
    ("https://www.instagram.com/p/C0aBcDeFgHi/?igsh=MWQ1ZGUxMzBkMA==", INSTAGRAM, "p/C0aBcDeFgHi", ""),
    ("https://www.instagram.com/p/C0aBcDeFgHi/?utm_source=ig_web_copy_link&igsh=ZXkx", INSTAGRAM, "p/C0aBcDeFgHi", ""),
    ("instagram.com/p/C0aBcDeFgHi/?img_index=2", INSTAGRAM, "p/C0aBcDeFgHi", ""),
    ("https://instagr.am/p/C0aBcDeFgHi", INSTAGRAM, "p/C0aBcDeFgHi", ""),
    ("https://www.instagram.com/reel/C1xYz-123_a/?igsh=cWx2", INSTAGRAM, "reel/C1xYz-123_a", ""),
    ("https://www.instagram.com/reels/C1xYz-123_a/", INSTAGRAM, "reel/C1xYz-123_a", ""),
    ("https://www.instagram.com/tv/B9QwErTyUiO/", INSTAGRAM, "tv/B9QwErTyUiO", ""),
    ("https://www.instagram.com/humas.sukamaju/p/C0aBcDeFgHi/", INSTAGRAM, "p/C0aBcDeFgHi", "humas.sukamaju"),
    ("https://www.instagram.com/Siti.Rahayu/reel/C1xYz-123_a/?igsh=x", INSTAGRAM, "reel/C1xYz-123_a", "siti.rahayu"),
    ("https://www.instagram.com/stories/siti.rahayu/3245678901234567890/", INSTAGRAM,
     "stories/3245678901234567890", "siti.rahayu"),
    ("https://www.instagram.com/stories/budi.s/3245678901234567891?utm_source=ig_story_item_share&igsh=aa",
     INSTAGRAM, "stories/3245678901234567891", "budi.s"),
    ("https://m.instagram.com/p/C0aBcDeFgHi/", INSTAGRAM, "p/C0aBcDeFgHi", ""),
    ("https://www.instagram.com/s/aGlnaGxpZ2h0OjE3ODk0NTY3?story_media_id=1", INSTAGRAM,
     "s/aGlnaGxpZ2h0OjE3ODk0NTY3", ""),
    ("https://www.instagram.com/siti.rahayu/", None, "not_post"),
    ("https://www.instagram.com/siti.rahayu/?hl=id", None, "not_post"),
    ("@siti.rahayu", None, "unknown_site"),
    ("https://www.instagram.com/p/", None, "not_post"),
    # TikTok: videos and photo posts, with and without query; short links; profiles.
    ("https://www.tiktok.com/@humas_sukamaju/video/7312345678901234567", TIKTOK, "video/7312345678901234567",
     "humas_sukamaju"),
    ("https://www.tiktok.com/@humas_sukamaju/video/7312345678901234567?is_from_webapp=1&sender_device=pc",
     TIKTOK, "video/7312345678901234567", "humas_sukamaju"),
    ("https://www.tiktok.com/@Siti_R/video/7312345678901234568?_t=8iK&_r=1", TIKTOK, "video/7312345678901234568",
     "siti_r"),
    ("https://www.tiktok.com/@siti_r/photo/7312345678901234569", TIKTOK, "photo/7312345678901234569", "siti_r"),
    ("tiktok.com/@siti_r/photo/7312345678901234569?lang=id", TIKTOK, "photo/7312345678901234569", "siti_r"),
    ("https://m.tiktok.com/v/7312345678901234567.html", TIKTOK, "video/7312345678901234567", ""),
    ("https://vt.tiktok.com/ZSNxAbCdE/", None, "short_link"),
    ("https://vm.tiktok.com/ZMabcdef/", None, "short_link"),
    ("https://www.tiktok.com/t/ZTRabcdef/", None, "short_link"),
    ("https://www.tiktok.com/@siti_r", None, "not_post"),
    ("https://www.tiktok.com/@siti_r?lang=id", None, "not_post"),
    # X and twitter.com: statuses with their photo/video suffix and share parameters.
    ("https://x.com/humassukamaju/status/1734567890123456789", X, "status/1734567890123456789", "humassukamaju"),
    ("https://x.com/HumasSukamaju/status/1734567890123456789?s=20&t=abcDEF", X, "status/1734567890123456789",
     "humassukamaju"),
    ("https://twitter.com/budi_s/status/1734567890123456780", X, "status/1734567890123456780", "budi_s"),
    ("https://mobile.twitter.com/budi_s/status/1734567890123456780", X, "status/1734567890123456780", "budi_s"),
    ("https://x.com/budi_s/status/1734567890123456780/photo/1", X, "status/1734567890123456780", "budi_s"),
    ("https://x.com/budi_s/status/1734567890123456780/video/1", X, "status/1734567890123456780", "budi_s"),
    ("https://x.com/i/web/status/1734567890123456780", X, "status/1734567890123456780", ""),
    ("https://x.com/i/status/1734567890123456780", X, "status/1734567890123456780", ""),
    ("https://t.co/AbCdEf123", None, "short_link"),
    ("https://x.com/budi_s", None, "not_post"),
    # Threads, on both hosts.
    ("https://www.threads.net/@humas.sukamaju/post/C2AbCdEfGhI", THREADS, "post/C2AbCdEfGhI", "humas.sukamaju"),
    ("https://www.threads.com/@siti.rahayu/post/C2AbCdEfGhJ?xmt=AQGz", THREADS, "post/C2AbCdEfGhJ", "siti.rahayu"),
    ("https://www.threads.net/t/C2AbCdEfGhI/", THREADS, "post/C2AbCdEfGhI", ""),
    ("https://www.threads.net/@siti.rahayu", None, "not_post"),
    # Facebook: posts of a page or person, permalink.php and story.php, share links, reels, videos, photos.
    ("https://www.facebook.com/pemkab.sukamaju/posts/pfbid02AbCdEfGhIjKlMnOpQrStUvWxYz", FACEBOOK,
     "posts/pfbid02AbCdEfGhIjKlMnOpQrStUvWxYz", "pemkab.sukamaju"),
    ("https://m.facebook.com/siti.rahayu.9/posts/1234567890123456/?mibextid=abc", FACEBOOK,
     "posts/1234567890123456", "siti.rahayu.9"),
    ("https://www.facebook.com/permalink.php?story_fbid=pfbid0xyzAbC&id=100012345678901", FACEBOOK,
     "permalink/pfbid0xyzAbC", "100012345678901"),
    ("https://m.facebook.com/story.php?story_fbid=1234567890&id=100012345678901&mibextid=qC1gEa", FACEBOOK,
     "permalink/1234567890", "100012345678901"),
    ("https://www.facebook.com/share/p/1AbCdEfGhI/", FACEBOOK, "share/p/1AbCdEfGhI", ""),
    ("https://www.facebook.com/share/r/1XyZaBcD/", FACEBOOK, "share/r/1XyZaBcD", ""),
    ("https://www.facebook.com/share/v/1QwErTy/?mibextid=wwXIfr", FACEBOOK, "share/v/1QwErTy", ""),
    ("https://www.facebook.com/reel/1234567890123456", FACEBOOK, "reel/1234567890123456", ""),
    ("https://www.facebook.com/watch/?v=1234567890123456", FACEBOOK, "video/1234567890123456", ""),
    ("https://www.facebook.com/pemkab.sukamaju/videos/1234567890123456/", FACEBOOK, "video/1234567890123456",
     "pemkab.sukamaju"),
    ("https://www.facebook.com/photo/?fbid=1234567890123456&set=a.123", FACEBOOK, "photo/1234567890123456", ""),
    ("https://www.facebook.com/photo.php?fbid=1234567890123456", FACEBOOK, "photo/1234567890123456", ""),
    ("https://fb.watch/aBcDeFgH/", None, "short_link"),
    ("https://www.facebook.com/pemkab.sukamaju", None, "not_post"),
    ("https://www.facebook.com/profile.php?id=100012345678901", None, "not_post"),
    # YouTube: watch, Shorts, live, community posts, youtu.be (it carries the video's id).
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", YOUTUBE, "video/dQw4w9WgXcQ", ""),
    ("https://m.youtube.com/watch?v=dQw4w9WgXcQ&t=42s&feature=share", YOUTUBE, "video/dQw4w9WgXcQ", ""),
    ("https://www.youtube.com/shorts/AbCdEfGhIjK", YOUTUBE, "video/AbCdEfGhIjK", ""),
    ("https://youtube.com/shorts/AbCdEfGhIjK?si=xYz123", YOUTUBE, "video/AbCdEfGhIjK", ""),
    ("https://youtu.be/dQw4w9WgXcQ?si=AbCdEf", YOUTUBE, "video/dQw4w9WgXcQ", ""),
    ("https://www.youtube.com/live/AbCdEfGhIjK", YOUTUBE, "video/AbCdEfGhIjK", ""),
    ("https://www.youtube.com/post/UgkxAbCdEfGhIjKlMnOp", YOUTUBE, "post/UgkxAbCdEfGhIjKlMnOp", ""),
    ("https://www.youtube.com/@diskominfosukamaju", None, "not_post"),
    ("https://www.youtube.com/watch", None, "broken_post"),
    # Other sites and broken text.
    ("https://detik.com/berita/123", None, "unknown_site"),
    ("https://www.instagram.com/p/C0a%%%/", None, "broken_post"),
    ("", None, "empty"),
]


@pytest.mark.parametrize("case", POSTS, ids=lambda case: case[0][:60] or "kosong")
def test_post_links(case):
    if case[1] is None:
        with pytest.raises(ValidationError) as refused:
            handles.parse_post(case[0])
        assert refused.value.code == case[2], refused.value.messages
        assert refused.value.messages[0]  # said in words
        return
    post = handles.parse_post(case[0])
    assert (post.platform, post.kode, post.username) == case[1:]
    # Its link in the registry opens the same post, and reads back the same.
    assert handles.parse_post(post.url).kode == post.kode


def test_there_are_sixty_real_shaped_links_or_more():
    assert len(POSTS) >= 60


def test_a_profile_link_names_whose_profile_it_is():
    with pytest.raises(ValidationError) as refused:
        handles.parse_post("https://www.instagram.com/siti.rahayu/")
    assert "profil @siti.rahayu di Instagram, bukan satu unggahan" in refused.value.messages[0]

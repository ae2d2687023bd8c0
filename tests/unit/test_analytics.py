from __future__ import annotations

import pytest

from opus_tui.services.analytics import check_script

GA4 = """<!-- Google tag (gtag.js) -->
<script async src="https://www.googletagmanager.com/gtag/js?id=G-ABC123XYZ"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());

  gtag('config', 'G-ABC123XYZ');
</script>
"""

GTM_HEAD = """<!-- Google Tag Manager -->
<script>(function(w,d,s,l,i){w[l]=w[l]||[];w[l].push({'gtm.start':
new Date().getTime(),event:'gtm.js'});var f=d.getElementsByTagName(s)[0],
j=d.createElement(s),dl=l!='dataLayer'?'&l='+l:'';j.async=true;j.src=
'https://www.googletagmanager.com/gtm.js?id='+i+dl;f.parentNode.insertBefore(j,f);
})(window,document,'script','dataLayer','GTM-ABCD123');</script>
<!-- End Google Tag Manager -->"""

MATOMO = """<!-- Matomo -->
<script>
  var _paq = window._paq = window._paq || [];
  /* tracker methods like "setCustomDimension" should be called before "trackPageView" */
  _paq.push(['trackPageView']);
  _paq.push(['enableLinkTracking']);
  (function() {
    var u="//statistik.tandmottagningen.se/";
    _paq.push(['setTrackerUrl', u+'matomo.php']);
    _paq.push(['setSiteId', '1']);
    var d=document, g=d.createElement('script'), s=d.getElementsByTagName('script')[0];
    g.async=true; g.src=u+'matomo.js'; s.parentNode.insertBefore(g,s);
  })();
</script>
<!-- End Matomo Code -->
"""

META_PIXEL_SCRIPT = """<!-- Meta Pixel Code -->
<script>
!function(f,b,e,v,n,t,s)
{if(f.fbq)return;n=f.fbq=function(){n.callMethod?
n.callMethod.apply(n,arguments):n.queue.push(arguments)};
if(!f._fbq)f._fbq=n;n.push=n;n.loaded=!0;n.version='2.0';
n.queue=[];t=b.createElement(e);t.async=!0;
t.src=v;s=b.getElementsByTagName(e)[0];
s.parentNode.insertBefore(t,s)}(window, document,'script',
'https://connect.facebook.net/en_US/fbevents.js');
fbq('init', '123456789012345');
fbq('track', 'PageView');
</script>"""

META_NOSCRIPT = """<noscript><img height="1" width="1" style="display:none"
src="https://www.facebook.com/tr?id=123456789012345&ev=PageView&noscript=1"
/></noscript>
<!-- End Meta Pixel Code -->"""

TIKTOK = """<script>
!function (w, d, t) {
  w.TiktokAnalyticsObject=t;var ttq=w[t]=w[t]||[];
  ttq.load=function(e,n){var r="https://analytics.tiktok.com/i18n/pixel/events.js";};
  ttq.load('C0ABCDEF');
  ttq.page();
}(window, document, 'ttq');
</script>"""

LINKEDIN = """<script type="text/javascript">
_linkedin_partner_id = "1234567";
window._linkedin_data_partner_ids = window._linkedin_data_partner_ids || [];
window._linkedin_data_partner_ids.push(_linkedin_partner_id);
</script><script type="text/javascript">
(function(l) {
var s = document.getElementsByTagName("script")[0];
var b = document.createElement("script");
b.type = "text/javascript";b.async = true;
b.src = "https://snap.licdn.com/li.lms-analytics/insight.min.js";
s.parentNode.insertBefore(b, s);})(window.lintrk);
</script>"""


def test_ga4_accepted():
    r = check_script(GA4)
    assert r.ok, r.problems
    assert r.scripts == 2
    assert r.hosts == ("www.googletagmanager.com",)
    assert r.trackers == ()
    assert r.warnings == ()


def test_gtm_head_accepted():
    r = check_script(GTM_HEAD)
    assert r.ok, r.problems
    assert r.hosts == ("www.googletagmanager.com",)


def test_matomo_accepted_with_its_host():
    r = check_script(MATOMO)
    assert r.ok, r.problems
    assert r.scripts == 1
    assert r.hosts == ("statistik.tandmottagningen.se",)
    assert r.warnings == ()


def test_ga4_and_matomo_together():
    r = check_script(GA4 + "\n" + MATOMO)
    assert r.ok and r.scripts == 3
    assert set(r.hosts) == {"www.googletagmanager.com", "statistik.tandmottagningen.se"}


def test_meta_pixel_warned_with_imy():
    r = check_script(META_PIXEL_SCRIPT)
    assert r.ok  # a script, so it can be saved, but warned
    assert r.trackers == ("Meta-pixeln (Facebook)",)
    assert r.hosts == ("connect.facebook.net",)
    (warning,) = r.warnings
    assert "Integritetsskyddsmyndigheten (IMY)" in warning
    assert "vårdgivare" in warning


def test_meta_pixel_with_noscript_refused_and_warned():
    r = check_script(META_PIXEL_SCRIPT + "\n" + META_NOSCRIPT)
    assert not r.ok
    assert any("<noscript>" in p for p in r.problems)
    assert any("<img>" in p for p in r.problems)
    assert "Meta-pixeln (Facebook)" in r.trackers


@pytest.mark.parametrize(
    ("snippet", "tracker"),
    [(TIKTOK, "TikTok-pixeln"), (LINKEDIN, "LinkedIn Insight Tag")],
)
def test_other_pixels_warned(snippet, tracker):
    r = check_script(snippet)
    assert r.ok, r.problems
    assert tracker in r.trackers
    assert any("IMY" in w for w in r.warnings)


def test_tracker_found_by_src_host():
    r = check_script('<script async src="https://s.pinimg.com/ct/core.js"></script>')
    assert r.trackers == ("Pinterest-taggen",)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("<img src=x onerror=alert(1)>", "<img> på rad 1, kolumn 1"),
        ('<iframe src="https://www.googletagmanager.com/ns.html?id=GTM-X"></iframe>', "<iframe>"),
        ("<script>a()</script>\nhej", "Text utanför <script> på rad 2, kolumn 1"),
        ("<script>a()", "saknar avslutande </script>"),
        ('<script onload="x()" src="https://a.se/x.js"></script>', "onload="),
        ('<script src="http://a.se/x.js"></script>', "okrypterat"),
        ('<script src="javascript:alert(1)"></script>', "ogiltig källa"),
        ('<script src="/lokal.js"></script>', "ogiltig källa"),
        ('<script type="text/html"><b>x</b></script>', "inget JavaScript"),
        ("<script/>", "<script/>"),
        ("</div><script>a()</script>", "Oväntad </div>"),
        ("<!DOCTYPE html><script>a()</script>", "<!DOCTYPE html>"),
        ("<script>a()</script><style>body{}</style>", "<style>"),
        ("just text", "Text utanför <script>"),
        ("<!-- bara en kommentar -->", "Inget <script>-element"),
        ('<script src="https://a.se/x.js" foo="1"></script>', "Attributet foo="),
    ],
)
def test_refused(text, fragment):
    r = check_script(text)
    assert not r.ok
    assert any(fragment in p for p in r.problems), r.problems


def test_script_text_containing_tags_is_code_not_html():
    # inside <script> the HTML tokenizer sees raw text until </script>
    r = check_script("<script>document.write('<img src=x>');</script>")
    assert r.ok, r.problems


def test_empty_and_length():
    assert check_script("").ok and check_script("  \n").scripts == 0
    long = "<script>" + "x" * 30000 + "</script>"
    r = check_script(long, max_length=20000)
    assert not r.ok and "högst 20000 tecken" in r.problems[0]


def test_warnings_for_src_with_body_and_empty_script():
    r = check_script('<script src="https://a.se/x.js">a()</script><script></script>')
    assert r.ok
    assert any("både src och kod" in w for w in r.warnings)
    assert any("är tomt" in w for w in r.warnings)

"""Hostile text for tests/browser/test_show_browser.py: what Markdown, Streamlit and GFM would act on."""

HOST = "tracker.invalid"
LINES = [
    # every trick of the issue in one line
    f"\\ * _ :red[x] <b>fed</b> $x$ [a](http://{HOST}/a) ![a](http://{HOST}/b.png) `kode` 😀 æøå ÆØÅ",
    f"http://{HOST}/x https://{HOST}/y www.{HOST} WWW.{HOST} post@{HOST} mailto:post@{HOST} <http://{HOST}/z>",
    ":material/home: :smile: :+1: :red-background[x] :small[x] :blue-badge[x] &amp; &#42; &copy; <!-- c --> <img src=x>",
    "# ikke en overskrift",
    "1. ikke en liste",
    "- ikke en liste",
    "> ikke et citat",
    "a | b | c",
    "~~ikke overstreget~~ **ikke fed** __ikke fed__ *ikke kursiv* [^1] [x]: http://t",
    "$$x$$ \\$ \\\\ \\* slut med \\",
    "=SUM(A1) +1 -1 @x ==",
]
BLOCK = {
    "markdown": "linje ét\nlinje to\n\nafsnit # ikke\n- ikke\n1. ikke\n===\n---\n" + LINES[0],
    "text": "linje ét\n    fire mellemrum foran\nTre   mellemrum\n\n\nto tomme linjer\n# ikke\n- ikke\n" + LINES[0] + "\n" + LINES[1],
}

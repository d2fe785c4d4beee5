"""Seconds and peak memory of importing a large WordPress export.

    python bench/wordpress_import.py [--posts 800] [--comments 25] [--code DIR ...]

Writes a synthetic WXR file (an Italian news site: comments in HTML with entities, threads,
held, trashed and spam ones), then, for each checkout given with ``--code`` (default: this
one), migrates a fresh SQLite database, creates the articles and runs
``manage.py import_wordpress_comments`` in a child process, reporting its wall time and its
peak resident memory (``ru_maxrss``). To compare with another revision, extract it
(``git archive main | tar -x -C /tmp/main``) and pass both directories.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.stack import write_result  # noqa: E402

SITE = "https://www.gazzetta-bench.example"
STATUSES = ["1"] * 8 + ["0", "trash"]


def write_export(path: Path, posts: int, per_post: int) -> int:
    """The synthetic export at ``path``; its number of comments."""
    comment_id = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
            f"<title>Gazzetta</title><link>{SITE}</link>\n"
            f"<wp:base_site_url>{SITE}</wp:base_site_url>\n"
        )
        for post in range(1, posts + 1):
            out.write(
                f"<item><title>Articolo {post}</title>"
                f"<link>{SITE}/articoli/articolo-{post}/</link>"
                f"<wp:post_id>{post}</wp:post_id><wp:post_name>articolo-{post}</wp:post_name>"
                "<wp:post_type>post</wp:post_type>\n"
            )
            first = comment_id + 1
            for n in range(per_post):
                comment_id += 1
                parent = first + (n - 1) // 3 if n and n % 3 else 0
                out.write(
                    f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>"
                    f"<wp:comment_author><![CDATA[Lettore {comment_id % 997}]]></wp:comment_author>"
                    "<wp:comment_author_email><![CDATA[lettore"
                    f"{comment_id % 997}@example.org]]></wp:comment_author_email>"
                    f"<wp:comment_author_IP>192.0.2.{comment_id % 250}</wp:comment_author_IP>"
                    f"<wp:comment_date_gmt>2024-0{1 + n % 9}-1{n % 10} 10:{n % 60:02d}:00"
                    "</wp:comment_date_gmt><wp:comment_content><![CDATA[Commento numero "
                    f"{comment_id}: l&#039;articolo &egrave; <strong>interessante</strong>, "
                    'vedi <a href="https://fonte.example/n">la fonte</a>.\n'
                    "Secondo paragrafo con un po' di testo in pi&ugrave; per la lunghezza "
                    "di un commento vero, scritto da un lettore del giornale.]]>"
                    f"</wp:comment_content><wp:comment_approved>{STATUSES[n % 10]}"
                    "</wp:comment_approved><wp:comment_type>comment</wp:comment_type>"
                    f"<wp:comment_parent>{parent}</wp:comment_parent></wp:comment>\n"
                )
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    return comment_id


def measure(code: Path, export: Path, posts: int, workdir: Path) -> dict:
    database = workdir / f"{code.name or 'code'}-{time.monotonic_ns()}.sqlite3"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "project.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(code),
    }
    manage = [sys.executable, str(code / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=code)
    create = (
        "from project.articles.models import Article;"
        "Article.objects.bulk_create(Article(title=f'Articolo {n}', slug=f'articolo-{n}', "
        f"body='.') for n in range(1, {posts + 1}))"
    )
    subprocess.run([*manage, "shell", "--no-imports", "-c", create], env=env, check=True, cwd=code)
    command = [*manage, "import_wordpress_comments", str(export), "--model", "articles.article"]
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=code, stdout=subprocess.PIPE, text=True)
    output = child.stdout.read() if child.stdout else ""
    _pid, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if status:
        raise SystemExit(f"{code}: the import failed\n{output}")
    return {
        "code": "this checkout" if code == ROOT else code.name,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "report": output.splitlines()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=800)
    parser.add_argument("--comments", type=int, default=25, help="comments per post")
    parser.add_argument("--code", type=Path, action="append", help="checkouts to measure")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        export = Path(workdir) / "export.xml"
        comments = write_export(export, args.posts, args.comments)
        size_mb = round(export.stat().st_size / 1024 / 1024, 1)
        print(f"export: {comments:,} comments on {args.posts:,} posts, {size_mb} MB")
        runs = []
        for code in args.code or [ROOT]:
            run = measure(code.resolve(), export, args.posts, Path(workdir))
            print(f"{run['code']}: {run['seconds']} s, peak RSS {run['peak_rss_mb']} MB")
            print(f"  {run['report']}")
            runs.append(run)
    result = {"comments": comments, "posts": args.posts, "export_mb": size_mb, "runs": runs}
    print(f"written to {write_result('wordpress_import', result)}")


if __name__ == "__main__":
    main()

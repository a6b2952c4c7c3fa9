"""Repository-wide pytest hooks: a skipped test is a failed run.

Odoo's HttpCase and tours are skipped silently when the browser or the HTTP
server is missing; the suite treats any skip or expected failure as an error.
"""


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = len(reporter.stats.get("skipped", [])) + len(
        reporter.stats.get("xfailed", [])
    )
    if skipped and session.exitstatus == 0:
        reporter.write_line(
            f"[ims] error: {skipped} test(s) skipped; every test must run", red=True
        )
        session.exitstatus = 1

"""The command line: parse arguments, call one function, turn errors into one message and an exit code.

Commands live in small modules (content, publish, schedule, preview) and are imported only when invoked, so
`bot --help` never pays for tweepy, facebook-sdk, APScheduler or SQLAlchemy.

Exit codes: 0 ok · 1 failure while doing the work · 2 bad input or usage.
"""

from __future__ import annotations

import importlib
import sys

import click

# command name → "module:attribute" of its click command. One explicit table: no folder scanning.
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("bot.cli.content", "Ingest a report (URL, .html, .txt, .md) into content/<slug>.md."),
    "findings": ("bot.cli.content", "Rank a report's sentences and show its key findings."),
    "draft": ("bot.cli.drafts", "Turn a report's findings into post-sized drafts for X and Facebook."),
    "post": ("bot.cli.publish", "Publish a report's drafts now (dry-run unless --live)."),
    "accounts": ("bot.cli.publish", "Check the configured accounts' credentials."),
    "plan": ("bot.cli.schedule", "Show what the campaigns in schedules/ will post, and when."),
    "schedule": ("bot.cli.schedule", "Apply the campaigns to the ledger (create, update, cancel posts)."),
    "run": ("bot.cli.runner", "Publish due posts from the ledger (dry-run unless --live)."),
    "rehearse": ("bot.cli.rehearse", "Play the campaigns' whole plan on a virtual clock, in dry-run."),
    "queue": ("bot.cli.schedule", "List pending, failed and unconfirmed posts."),
    "history": ("bot.cli.schedule", "List published posts with links."),
    "approve": ("bot.cli.schedule", "Approve a campaign's (or one post's) drafts for publishing."),
    "cancel": ("bot.cli.schedule", "Cancel a pending post."),
    "retry": ("bot.cli.schedule", "Put a failed, missed or unconfirmed post back in the queue."),
    "repost": ("bot.cli.schedule", "Schedule a one-off repost of a published post."),
    "preview": ("bot.cli.preview", "Write an HTML preview of a report's drafts or of the plan."),
    "card": ("bot.cli.preview", "Render quote-card PNGs for a report's highlights."),
    "serve": ("bot.cli.serve", "Serve the review desk in the browser (127.0.0.1 unless told otherwise)."),
    "watch": ("bot.cli.sources", "Autopilot: watch the sources, draft each new report's campaign for approval."),
    "sources": ("bot.cli.sources", "List the autopilot's sources: last fetch, status, reports seen, campaigns."),
}


class LazyGroup(click.Group):
    """A click group that imports a command's module only when that command is run (or its help shown)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Top-level help lists commands from the table, without importing their modules.
        with formatter.section("Commands"):
            formatter.write_dl([(name, summary) for name, (_, summary) in COMMANDS.items()])

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module = importlib.import_module(entry[0])
        command: click.Command = getattr(module, cmd_name.replace("-", "_") + "_command")
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="session-report-bot", prog_name="bot")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file (default config/bot.toml).")
@click.option("--log-json", is_flag=True, help="Log one JSON object per line instead of text.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, log_json: bool, verbose: int) -> None:
    """Session report bot: turns event session reports into X and Facebook posts.

    Dry-run is the default everywhere: nothing is sent without --live and credentials.

    \b
    Exit codes: 0 ok · 1 failure while doing the work · 2 bad input or usage.
    """
    from bot.cli.context import AppContext

    ctx.obj = AppContext(config_path=config_path, log_json=log_json, verbosity=verbose)


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the CLI, mapping the bot's errors to one line and an exit code."""
    from bot.errors import BotError
    from bot.logs import machine_output

    machine_output("--json" in (sys.argv[1:] if argv is None else argv))  # state changes stay off JSON stdout
    try:
        # In non-standalone mode click returns `ctx.exit(code)` codes (and commands' return values).
        result = cli.main(args=argv, prog_name="bot", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.exceptions.Exit as exit_:
        sys.exit(exit_.exit_code)
    except BotError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except Exception as error:  # a database or disk failure: one line, exit 1 (anything else is a bug: traceback)
        from bot.errors import local_failure_of

        failure = local_failure_of(error)
        if failure is None:
            raise
        click.echo(f"error: {failure}", err=True)
        sys.exit(failure.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)

using MmSafe.Cli;

MmSafe.Diagnostics.PhaseTrace.Mark("main");
// The commands that open a run store load SQLite on another core meanwhile (about a sixth of a run's start-up otherwise).
if (args.Length > 0 && args[0] is "run" or "judge" or "eval") _ = Task.Run(MmSafe.Runs.SqliteRunStore.WarmUp);
var exit = await CliApp.RunAsync(args, Console.Out, Console.Error);
MmSafe.Diagnostics.PhaseTrace.Mark("command done");
return exit;

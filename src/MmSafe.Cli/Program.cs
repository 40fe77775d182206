using MmSafe.Cli;

MmSafe.Diagnostics.PhaseTrace.Mark("main");
var exit = await CliApp.RunAsync(args, Console.Out, Console.Error);
MmSafe.Diagnostics.PhaseTrace.Mark("command done");
return exit;

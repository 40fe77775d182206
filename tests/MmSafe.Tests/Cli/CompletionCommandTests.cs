using System.Diagnostics;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Cli;

/// <summary>
/// <c>mmsafe completion SHELL</c>: the bash script, sourced in a real bash with <c>mmsafe</c> being the built program,
/// completes commands, options and option values; every shell's script is printed; a wrong shell is exit 2.
/// </summary>
public sealed class CompletionCommandTests
{
    private static async Task<string[]> CompleteInBashAsync(string line)
    {
        var script = MmSafe.Cli.Commands.CompletionCommand.Script("bash");
        var words = line.Split(' ');
        var program = $$"""
            mmsafe() { dotnet '{{CliProcess.DllPath}}' "$@"; }
            {{script}}
            COMP_LINE='{{line}}'; COMP_POINT={{line.Length}}
            COMP_WORDS=({{string.Join(' ', words.Select(w => $"'{w}'"))}}); COMP_CWORD={{words.Length - 1}}
            _mmsafe_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        var start = new ProcessStartInfo("bash") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var bash = Process.Start(start)!;
        await bash.StandardInput.WriteAsync(program);
        bash.StandardInput.Close();
        var output = await bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Bash_completes_commands_options_and_values()
    {
        Assert.Equal(["export"], await CompleteInBashAsync("mmsafe exp"));
        Assert.Contains("--format", await CompleteInBashAsync("mmsafe export runs/demo --fo"));
        Assert.Equal(["json", "jsonl"], (await CompleteInBashAsync("mmsafe export runs/demo --format j")).Order());
        Assert.Contains("vlsbench", await CompleteInBashAsync("mmsafe run vls"));
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _mmsafe_complete mmsafe")]
    [InlineData("zsh", "compdef _mmsafe_complete mmsafe")]
    [InlineData("fish", "complete -c mmsafe -f")]
    [InlineData("powershell", "Register-ArgumentCompleter -Native -CommandName mmsafe")]
    public async Task Every_shell_gets_its_script(string shell, string registration)
    {
        var result = await Support.Cli.RunAsync("completion", shell);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains(registration, result.Output);
        Assert.Contains("[suggest:", result.Output);
    }

    [Fact]
    public async Task An_unknown_shell_is_refused_naming_the_shells()
    {
        var result = await Support.Cli.RunAsync("completion", "tcsh");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("bash, zsh, fish, powershell", result.Error.Replace("'", ""));
    }
}

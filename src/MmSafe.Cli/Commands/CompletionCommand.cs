using System.CommandLine;
using MmSafe.Cli.Output;

namespace MmSafe.Cli.Commands;

/// <summary>
/// <c>mmsafe completion SHELL</c>: prints a script that completes mmsafe's commands, options and option values in the
/// shell. Each script asks mmsafe itself through System.CommandLine's <c>[suggest:POSITION]</c> directive, so the
/// completions always match the installed version and nothing else (dotnet-suggest) is needed.
/// </summary>
public static class CompletionCommand
{
    public static readonly string[] Shells = ["bash", "zsh", "fish", "powershell"];

    public static string Script(string shell, string command = "mmsafe") => shell switch
    {
        "bash" => $$"""
            # mmsafe completion for bash: add `source <(mmsafe completion bash)` to ~/.bashrc
            _mmsafe_complete() {
                local IFS=$'\n' cur="${COMP_WORDS[COMP_CWORD]}"
                COMPREPLY=( $(compgen -W "$({{command}} "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "$cur") )
            }
            complete -o default -F _mmsafe_complete {{command}}
            """,
        "zsh" => $$$"""
            # mmsafe completion for zsh: add `source <(mmsafe completion zsh)` to ~/.zshrc
            _mmsafe_complete() {
                local -a suggestions
                suggestions=("${(@f)$({{{command}}} "[suggest:${#${BUFFER[1,CURSOR]}}]" "$BUFFER" 2>/dev/null)}")
                compadd -a suggestions
            }
            compdef _mmsafe_complete {{{command}}}
            """,
        "fish" => $$"""
            # mmsafe completion for fish: mmsafe completion fish > ~/.config/fish/completions/mmsafe.fish
            function __mmsafe_complete
                set -l line (commandline -cp)
                {{command}} "[suggest:"(string length -- "$line")"]" "$line" 2>/dev/null
            end
            complete -c {{command}} -f -a '(__mmsafe_complete)'
            """,
        "powershell" => $$"""
            # mmsafe completion for PowerShell: add `mmsafe completion powershell | Out-String | Invoke-Expression` to $PROFILE
            Register-ArgumentCompleter -Native -CommandName {{command}} -ScriptBlock {
                param($wordToComplete, $commandAst, $cursorPosition)
                {{command}} "[suggest:$cursorPosition]" "$commandAst" 2>$null | Where-Object { $_ -like "$wordToComplete*" } | ForEach-Object {
                    [Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
                }
            }
            """,
        _ => throw new InputException($"completion {shell}: expected one of {string.Join(", ", Shells)}."),
    };

    public static Command Build(CliConsole console)
    {
        var shell = new Argument<string>("SHELL") { Description = $"The shell: {string.Join(", ", Shells)}." };
        shell.AcceptOnlyFromAmong(Shells);
        var command = new Command("completion", "Print a shell completion script for mmsafe (commands, options, option values).") { shell };
        command.SetAction(parse =>
        {
            console.WriteRaw(Script(parse.GetRequiredValue(shell)));
            return ExitCodes.Success;
        });
        return command;
    }
}

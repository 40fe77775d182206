using System.CommandLine;
using System.Globalization;
using MmSafe.Cli.Output;
using MmSafe.Reports;
using MmSafe.Reports.Certification;
using MmSafe.Runs.Stores;

namespace MmSafe.Cli.Commands;

/// <summary>
/// <c>mmsafe judge certify RUN --candidate J --reference J|majority|human</c>: a replacement judge against a reference on
/// the run's stored answers, under a rule declared first; the certificate is stored with the run.
/// </summary>
public static class CertifyCommand
{
    public static Command Build(CliConsole console)
    {
        var dir = new Argument<string>("RUN") { Description = "A run directory (or PostgreSQL run) judged by the candidate and the reference." };
        var candidate = new Option<string>("--candidate") { Description = "The judge to certify (a judge of the run).", Required = true };
        var reference = new Option<string>("--reference")
        {
            Description = $"Another judge of the run, '{Certification.Majority}' (the majority of the run's other judges) or '{JudgePanel.Human}' (imported human labels).",
            Required = true,
        };
        var rule = new Option<string>("--rule") { Description = $"The rule, declared before the figures (default {CertificationRule.DefaultText}).", DefaultValueFactory = _ => CertificationRule.DefaultText };
        var format = new Option<string>("--format") { Description = "text (default), markdown or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "markdown", "json");
        var output = new Option<string?>("--out") { Description = "Also write the certificate to this file (Markdown, or JSON when it ends in .json)." };
        var command = new Command("certify", "Certify a replacement judge against a reference judge, the majority or human labels, on the same stored answers.")
        {
            dir, candidate, reference, rule, format, output,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var declared = CertificationRule.Parse(parse.GetValue(rule)!);
            var chosen = parse.GetValue(format)!;
            var file = parse.GetValue(output);
            if (file is not null) OutputGuard.RefuseRunFile(file, "--out");
            using var run = RunDirectory.Open(parse.GetRequiredValue(dir));
            var certificate = Certification.Of(run.Store.Read(), parse.GetRequiredValue(candidate), parse.GetRequiredValue(reference), declared);
            // The file first: a certificate that could not be written where asked is not stored either (nothing half done).
            if (file is not null)
            {
                try
                {
                    await File.WriteAllTextAsync(file, file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? CertificateStore.Json(certificate) : CertificateMarkdown.Write(certificate), cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new InputException($"--out {file}: cannot write the certificate there ({e.Message}); name a file in a folder that exists and you can write.", e);
                }
            }
            await CertificateStore.SaveAsync(run.Store, certificate, cancellationToken);
            if (chosen == "text") console.WriteRaw(CliConsole.Plain($"Rule (declared before the figures): {declared.Text}: {declared.Description}"));
            switch (chosen)
            {
                case "json": console.WriteRaw(CertificateStore.Json(certificate)); break;
                case "markdown": console.WriteRaw(CertificateMarkdown.Write(certificate)); break;
                default: Text(console, certificate); break;
            }
            // A FAIL is a finding, not an error: the certificate was made and stored (its verdict is in every format), and
            // the exit code says it, so a script or CI job can gate on the replacement judge without parsing the output.
            return certificate.Pass ? ExitCodes.Success : ExitCodes.CertificateFailed;
        });
        return command;
    }

    private static void Text(CliConsole console, Certificate c)
    {
        void Line(string text) => console.WriteRaw(CliConsole.Plain(text));
        var o = c.Overall;
        Line($"{c.Verdict}: {c.Candidate} against {c.Reference} on {o.Items} items ({c.Metric} rate)");
        foreach (var failure in c.Failures) Line($"  failed: {failure}");
        Line($"agreement {Numbers.Points(o.AgreementPercent)}% [{Numbers.Points(o.AgreementLow)}, {Numbers.Points(o.AgreementHigh)}], kappa {CertificateMarkdown.Kappa(o)}");
        Line($"{c.Metric} rate: candidate {Numbers.Points(o.CandidateRate)}%, reference {Numbers.Points(o.ReferenceRate)}%; shift {CertificateMarkdown.Shift(o)} points, McNemar p {Numbers.PValue(o.McNemarP)}, minimum detectable difference {Numbers.Points(o.MinimumDetectable)} points");
        foreach (var cat in c.Categories)
            Line($"  {cat.Category}: {cat.Figures.Items} items, shift {CertificateMarkdown.Shift(cat.Figures)}, kappa {CertificateMarkdown.Kappa(cat.Figures)}, McNemar p {Numbers.PValue(cat.Figures.McNemarP)}, Holm p {Numbers.PValue(cat.HolmP)}");
        Line($"{c.Flips.Count.ToString(CultureInfo.InvariantCulture)} items flip{(c.Flips.Count == 0 ? "." : ":")}");
        foreach (var f in c.Flips) Line($"  {f.ItemId} ({f.Category}): reference {CertificateMarkdown.Verdict(c, f.Reference)}, candidate {CertificateMarkdown.Verdict(c, f.Candidate)}");
    }
}

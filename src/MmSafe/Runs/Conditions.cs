using Microsoft.Extensions.AI;
using MmSafe.Benchmarks;

namespace MmSafe.Runs;

/// <summary>
/// Modality conditions: what the target is shown of a sample. <c>official</c> is the benchmark's protocol (image and
/// text); <c>text-only</c> drops the image; <c>image-only</c> drops the text; <c>caption</c> replaces the image by its
/// description (VLSBench ships one per item). The judge always sees what the official protocol shows it, so the
/// conditions differ only in what the target was asked.
/// </summary>
public static class Conditions
{
    public const string Official = "official", TextOnly = "text-only", ImageOnly = "image-only", Caption = "caption";

    public static readonly IReadOnlyList<string> All = [Official, TextOnly, ImageOnly, Caption];

    /// <summary>Null when <paramref name="condition"/> can be run on this benchmark's samples, else why not.</summary>
    /// <param name="captionerHint">How the user names a captioning model where they work: a flag, or an evaluation file's field.</param>
    public static string? Check(IBenchmark benchmark, IReadOnlyList<Sample> samples, string condition, bool captioner = false, string captionerHint = "--captioner NAME")
    {
        switch (condition)
        {
            case Caption when captioner:
            case Official or TextOnly:
                return null;
            case ImageOnly:
                return benchmark.Protocol.Aspects.Count == 0 ? $"{benchmark.Name} asks for an option letter; without its text the options are gone" : null;
            case Caption:
                // An empty description would reach the target as "[Image description: ]" and its answer would be scored.
                var without = samples.Where(s => !HasCaption(s)).Select(s => s.Id).ToList();
                if (without.Count == 0) return null;
                if (without.Count == samples.Count && samples.All(s => !s.Fields.ContainsKey(CaptionField)))
                    return $"{benchmark.Name} ships no image descriptions; name a captioning model with {captionerHint}";
                return $"{without.Count} of {samples.Count} items have no image description (id{(without.Count == 1 ? "" : "s")} {string.Join(", ", without.Take(10))}{(without.Count > 10 ? ", …" : "")}), " +
                    $"so the target would be shown an empty one; name a captioning model with {captionerHint} to describe them, or leave them out";
            default:
                return $"unknown condition '{condition}'; expected one of {string.Join(", ", All)}";
        }
    }

    /// <summary>Whether the sample carries a description to show instead of its image (a blank one does not count).</summary>
    public static bool HasCaption(Sample sample) => sample.Fields.TryGetValue(CaptionField, out var text) && !string.IsNullOrWhiteSpace(text);

    /// <summary>What a captioning model is asked, with the image; its answer becomes the sample's description.</summary>
    public const string CaptionPrompt = "Describe this image in detail and objectively, in one paragraph: the objects, people, text and setting you see.";

    /// <summary>Captions are written greedily, long enough for a paragraph.</summary>
    public static readonly Models.GenerationParameters CaptionParameters = new(Temperature: 0, MaxTokens: 300);

    /// <summary>The captioning request for one image.</summary>
    public static IReadOnlyList<ChatMessage> CaptionRequest(IReadOnlyList<Images.ImageData> images) =>
        [new ChatMessage(ChatRole.User, [new TextContent(CaptionPrompt), .. images.Select(i => Images.ImageDataExtensions.ToDataContent(i))])];

    /// <summary>The field that holds an image's description.</summary>
    public const string CaptionField = "image_description";

    /// <summary>The target's messages under <paramref name="condition"/>, from the official ones.</summary>
    public static IReadOnlyList<ChatMessage> Apply(IReadOnlyList<ChatMessage> official, Sample sample, string condition) => condition switch
    {
        Official => official,
        TextOnly => Map(official, c => c is DataContent ? null : c),
        ImageOnly => Map(official, c => c is TextContent ? null : c),
        Caption => Captioned(official, sample.Field(CaptionField)),
        _ => throw new InvalidOperationException($"unknown condition {condition}"),
    };

    /// <summary>Between the description block and the instruction, so the target reads two parts, not one run-on line.</summary>
    public const string CaptionSeparator = "\n\n";

    // The image's place takes its description; the user message's text parts become one text, joined by a blank line,
    // because providers would otherwise concatenate them as they are ("…instruction[Image description: …]").
    private static IReadOnlyList<ChatMessage> Captioned(IReadOnlyList<ChatMessage> official, string caption) =>
        [.. Map(official, c => c is DataContent ? new TextContent($"[Image description: {caption}]") : c).Select(m => m.Role != ChatRole.User ? m
            : new ChatMessage(m.Role, [new TextContent(string.Join(CaptionSeparator, m.Contents.OfType<TextContent>().Select(t => t.Text).Where(t => t.Length > 0))),
                .. m.Contents.Where(c => c is not TextContent)]))];

    // System messages are the protocol's, not the sample's: only user content changes.
    private static IReadOnlyList<ChatMessage> Map(IReadOnlyList<ChatMessage> messages, Func<AIContent, AIContent?> map) =>
        [.. messages.Select(m => m.Role != ChatRole.User ? m : new ChatMessage(m.Role, [.. m.Contents.Select(map).OfType<AIContent>()]))];
}

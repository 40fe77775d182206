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
    public static string? Check(IBenchmark benchmark, IReadOnlyList<Sample> samples, string condition, bool captioner = false) => condition switch
    {
        Caption when captioner => null,
        Official or TextOnly => null,
        ImageOnly when benchmark.Protocol.Aspects.Count == 0 => $"{benchmark.Name} asks for an option letter; without its text the options are gone",
        ImageOnly => null,
        Caption when samples.All(s => s.Fields.ContainsKey(CaptionField)) => null,
        Caption => $"{benchmark.Name} ships no image descriptions; name a captioning model with --captioner NAME",
        _ => $"unknown condition '{condition}'; expected one of {string.Join(", ", All)}",
    };

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
        Caption => Map(official, c => c is DataContent ? new TextContent($"[Image description: {sample.Field(CaptionField)}]") : c),
        _ => throw new InvalidOperationException($"unknown condition {condition}"),
    };

    // System messages are the protocol's, not the sample's: only user content changes.
    private static IReadOnlyList<ChatMessage> Map(IReadOnlyList<ChatMessage> messages, Func<AIContent, AIContent?> map) =>
        [.. messages.Select(m => m.Role != ChatRole.User ? m : new ChatMessage(m.Role, [.. m.Contents.Select(map).OfType<AIContent>()]))];
}

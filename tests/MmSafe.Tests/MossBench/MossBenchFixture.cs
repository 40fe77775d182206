using System.Text.Json.Nodes;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.MossBench;

/// <summary>A small MOSSBench data root written by a test: information.json files keyed by pid, and their images.</summary>
internal static class MossBenchFixture
{
    /// <summary>One item: pid, type number (1-3), question.</summary>
    public sealed record Item(int Pid, int Type, string Question);

    /// <param name="prefix">"" for the flat layout, "data/" for the authors' repository; the contrast split goes to "contrast/" or "data_contrast/".</param>
    public static string Write(TempDir dir, string root, IReadOnlyList<Item> items, string prefix = "", bool contrast = false, bool jpeg = false)
    {
        var folder = contrast ? (prefix == "data/" ? "data_contrast/" : "contrast/") : prefix;
        var info = new JsonObject();
        foreach (var i in items)
        {
            var image = $"images/{i.Pid}.{(jpeg ? "jpg" : "png")}";
            info[i.Pid.ToString()] = new JsonObject
            {
                ["image"] = image, ["short description"] = "A room", ["question"] = i.Question,
                ["metadata"] = new JsonObject { ["over"] = $"type {i.Type}", ["human"] = 0, ["child"] = 0, ["syn"] = 1, ["ocr"] = 0, ["harm"] = new JsonArray(7) },
                ["pid"] = i.Pid.ToString(), ["description"] = $"Oracle description of image {i.Pid}.",
            };
            dir.File($"{root}/{folder}{image}", jpeg ? TestImages.Jpeg(2, 2) : MmSafe.Images.TinyPng.Solid(2, 2, (byte)(i.Pid * 10), 30, 30));
        }
        dir.File($"{root}/{folder}images_information/information.json", info.ToJsonString());
        return dir.Full(root);
    }
}

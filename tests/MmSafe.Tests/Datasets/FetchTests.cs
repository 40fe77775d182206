using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using MmSafe.Datasets.Fetch;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Datasets;

public sealed class FetchTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public async Task An_interrupted_download_resumes_with_a_range_request_and_is_verified()
    {
        await using var server = await FakeFileServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(300_000);
        server.Files["big.bin"] = content;
        server.CutAfter["big.bin"] = 100_000;
        using var dir = new TempDir();
        using var http = new HttpClient();
        var file = new RemoteFile(new Uri(server.BaseUrl, "big.bin"), "big.bin", Sha(content));

        var e = await Assert.ThrowsAsync<InputException>(() => new Downloader(http).FetchAsync(file, dir.Path, cancellationToken: Token));
        Assert.Contains("interrupted", e.Message);
        Assert.True(new FileInfo(dir.Full("big.bin.part")).Length >= 100_000);
        Assert.False(File.Exists(dir.Full("big.bin")));

        await new Downloader(http).FetchAsync(file, dir.Path, cancellationToken: Token);
        Assert.Equal(content, File.ReadAllBytes(dir.Full("big.bin")));
        Assert.StartsWith("bytes=", server.Requests.Last().Range);
        Assert.False(File.Exists(dir.Full("big.bin.part")));
    }

    [Fact]
    public async Task A_corrupted_download_is_detected_and_deleted()
    {
        await using var server = await FakeFileServer.StartAsync();
        server.Files["data.json"] = Encoding.UTF8.GetBytes("[\"tampered\"]");
        using var dir = new TempDir();
        using var http = new HttpClient();
        var file = new RemoteFile(new Uri(server.BaseUrl, "data.json"), "data.json", Sha(Encoding.UTF8.GetBytes("[\"original\"]")));
        var e = await Assert.ThrowsAsync<InputException>(() => new Downloader(http).FetchAsync(file, dir.Path, cancellationToken: Token));
        Assert.Contains("corrupted", e.Message);
        Assert.False(File.Exists(dir.Full("data.json")));
        Assert.False(File.Exists(dir.Full("data.json.part")));
    }

    [Fact]
    public async Task The_cli_fetches_vlsbench_from_a_mirror_unpacks_the_images_and_checks_them()
    {
        await using var server = await FakeFileServer.StartAsync();
        using var dir = new TempDir();
        server.Files["data.json"] = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new[] { Fixtures.VlsBench(0), Fixtures.VlsBench(1) }));
        using (var tar = new MemoryStream())
        {
            using (var writer = new TarWriter(tar, leaveOpen: true))
                foreach (var i in new[] { 0, 1 })
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"vlsbench/imgs/{i}.png") { DataStream = new MemoryStream(MmSafe.Images.TinyPng.Solid(2, 2, 1, 2, 3)) });
            server.Files["imgs.tar"] = tar.ToArray();
        }
        server.CutAfter["imgs.tar"] = 300;

        var first = await Support.Cli.RunAsync("data", "fetch", "vlsbench", "--to", dir.Full("vls"), "--source", server.BaseUrl.ToString(), "--allow-changed");
        Assert.Equal(2, first.ExitCode);
        Assert.Contains("run the command again to resume", first.Error);

        var second = await Support.Cli.RunAsync("data", "fetch", "vlsbench", "--to", dir.Full("vls"), "--source", server.BaseUrl.ToString(), "--allow-changed");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("2 images unpacked", second.Output);
        Assert.Contains("2 ok", second.Output);
        Assert.True(File.Exists(dir.Full("vls/imgs/1.png")));
    }

    [Fact]
    public async Task The_cli_refuses_question_files_that_are_not_the_published_ones()
    {
        await using var server = await FakeFileServer.StartAsync();
        server.Files["data.json"] = Encoding.UTF8.GetBytes("[]");
        using var dir = new TempDir();
        var result = await Support.Cli.RunAsync("data", "fetch", "vlsbench", "--to", dir.Full("vls"), "--source", server.BaseUrl.ToString(), "--no-images");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("corrupted or not the expected file", result.Error);
    }

    [Fact]
    public void Unpacking_refuses_entries_that_escape_the_target()
    {
        using var dir = new TempDir();
        var zip = dir.Full("evil.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using (var s = archive.CreateEntry("images/ok.png").Open()) s.Write([1]);
            using (var s = archive.CreateEntry("images/../../escape.png").Open()) s.Write([2]);
        }
        var e = Assert.Throws<InputException>(() => ArchiveExtractor.Extract(zip, dir.Full("root/images"), "images"));
        Assert.Contains("outside", e.Message);
        Assert.False(File.Exists(dir.Full("escape.png")));
    }

    [Fact]
    public void A_user_supplied_siuo_zip_is_unpacked_whatever_its_top_folder()
    {
        using var dir = new TempDir();
        var zip = dir.Full("SIUO-images.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using (var s = archive.CreateEntry("SIUO-images/S-01.png").Open()) s.Write(MmSafe.Images.TinyPng.Solid(2, 2, 9, 9, 9));
            using (var s = archive.CreateEntry("__MACOSX/SIUO-images/._S-01.png").Open()) s.Write([0]);
        }
        Assert.Equal(1, ArchiveExtractor.Extract(zip, dir.Full("siuo/images"), "images"));
        Assert.True(File.Exists(dir.Full("siuo/images/S-01.png")));
    }
}

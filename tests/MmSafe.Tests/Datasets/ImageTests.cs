using MmSafe.Benchmarks.Siuo;
using MmSafe.Benchmarks.VlsBench;
using MmSafe.Datasets;
using MmSafe.Images;
using MmSafe.Tests.Support;

namespace MmSafe.Tests.Datasets;

public sealed class ImageTests
{
    public static TheoryData<string, byte[], string, int, int> Images => new()
    {
        { "png", TestImages.Png(7, 5), "image/png", 7, 5 },
        { "jpeg", TestImages.Jpeg(640, 480), "image/jpeg", 640, 480 },
        { "jpeg with metadata", TestImages.Jpeg(33, 44, app1Padding: 5000), "image/jpeg", 33, 44 },
        { "gif", TestImages.Gif(300, 2), "image/gif", 300, 2 },
        { "webp lossless", TestImages.WebPLossless(123, 456), "image/webp", 123, 456 },
        { "webp lossy", TestImages.WebPLossy(800, 600), "image/webp", 800, 600 },
        { "webp extended", TestImages.WebPExtended(4000, 3000), "image/webp", 4000, 3000 },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Reads_media_type_and_size_from_the_header(string kind, byte[] bytes, string mediaType, int width, int height)
    {
        var format = ImageHeader.TryRead(bytes);
        Assert.NotNull(format);
        Assert.Equal((mediaType, width, height), (format.MediaType, format.Width, format.Height));
        Assert.NotEmpty(kind);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x42, 0x4D, 0, 0, 0, 0 })]                 // BMP
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47 })]                // truncated PNG
    [InlineData(new byte[] { 0x3C, 0x68, 0x74, 0x6D, 0x6C, 0x3E })]    // "<html>"
    public void Returns_null_for_unsupported_or_truncated_data(byte[] bytes) => Assert.Null(ImageHeader.TryRead(bytes));

    [Fact]
    public async Task The_media_type_comes_from_the_bytes_not_the_file_name()
    {
        using var dir = new TempDir();
        dir.File("images/S-01.png", TestImages.Jpeg(10, 20));
        dir.Json("siuo_gen.json", new[] { Fixtures.SiuoGen(1) });
        var image = await SiuoDataset.LoadGeneration(dir.Path).Items[0].Image.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal("image/jpeg", image.MediaType);
        Assert.Equal(10, image.Format.Width);
    }

    [Fact]
    public void Missing_images_are_reported_together_as_a_count_and_the_first_names()
    {
        using var dir = new TempDir();
        dir.Json("data.json", Enumerable.Range(0, 12).Select(i => Fixtures.VlsBench(i)).ToArray());
        dir.File("imgs/3.png", TestImages.Png(2, 2));
        dir.File("imgs/4.png", "not an image");
        var report = VlsBenchDataset.Load(dir.Path).CheckImages();
        Assert.False(report.Ok);
        Assert.Equal(10, report.Missing.Count);
        Assert.Equal(["imgs/4.png"], report.Unrecognised);
        var line = report.Describe().First();
        Assert.StartsWith("10 of 12 images are missing under", line);
        Assert.Contains("imgs/0.png, imgs/1.png, imgs/2.png, imgs/5.png, imgs/6.png, … (5 more)", line);
    }

    [Fact]
    public void A_complete_dataset_passes_the_image_check()
    {
        using var dir = new TempDir();
        dir.Json("data.json", new[] { Fixtures.VlsBench(0) });
        dir.File("imgs/0.png", TestImages.Png(2, 2));
        Assert.True(VlsBenchDataset.Load(dir.Path).CheckImages().Ok);
    }

    [Fact]
    public async Task Rejects_a_symlink_that_leads_out_of_the_data_root()
    {
        using var outside = new TempDir();
        using var dir = new TempDir();
        var secret = outside.File("secret.png", TestImages.Png(1, 1));
        Directory.CreateDirectory(dir.Full("imgs"));
        File.CreateSymbolicLink(dir.Full("imgs/0.png"), secret);
        dir.Json("data.json", new[] { Fixtures.VlsBench(0) });
        var dataset = VlsBenchDataset.Load(dir.Path);

        var e = await Assert.ThrowsAsync<InputException>(() => dataset.Items[0].Image.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Contains("outside the data root", e.Message);
        Assert.Equal(["imgs/0.png"], dataset.CheckImages().OutsideRoot);
    }

    [Fact]
    public void Rejects_a_symlinked_folder_that_leads_out_of_the_data_root()
    {
        using var outside = new TempDir();
        using var dir = new TempDir();
        outside.File("0.png", TestImages.Png(1, 1));
        Directory.CreateSymbolicLink(dir.Full("imgs"), outside.Path);
        dir.Json("data.json", new[] { Fixtures.VlsBench(0) });
        Assert.Single(VlsBenchDataset.Load(dir.Path).CheckImages().OutsideRoot);
    }

    [Fact]
    public async Task Allows_a_symlink_that_stays_inside_the_data_root()
    {
        using var dir = new TempDir();
        var real = dir.File("store/real.png", TestImages.Png(3, 3));
        Directory.CreateDirectory(dir.Full("imgs"));
        File.CreateSymbolicLink(dir.Full("imgs/0.png"), real);
        dir.Json("data.json", new[] { Fixtures.VlsBench(0) });
        var image = await VlsBenchDataset.Load(dir.Path).Items[0].Image.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal("image/png", image.MediaType);
    }

    [Fact]
    public async Task A_missing_image_read_names_the_file()
    {
        using var dir = new TempDir();
        dir.Json("data.json", new[] { Fixtures.VlsBench(0) });
        var e = await Assert.ThrowsAsync<InputException>(() =>
            VlsBenchDataset.Load(dir.Path).Items[0].Image.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Contains("imgs/0.png", e.Message);
        Assert.Contains("not found", e.Message);
    }
}

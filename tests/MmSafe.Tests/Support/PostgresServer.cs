using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace MmSafe.Tests.Support;

/// <summary>
/// A real PostgreSQL server on 127.0.0.1 for the tests, started once per test process in a temporary directory and
/// stopped when it ends. The binaries come from Debian's postgresql package, installed by .ci/run or by the user (see the
/// README's Development section), never by the tests: a test run must not change the machine. Where no server can be
/// had, the tests that need one skip with the reason, and fail instead when MMSAFE_REQUIRE_POSTGRES=1 (CI sets it).
/// </summary>
public sealed class PostgresServer
{
    private static readonly Lazy<Task<(PostgresServer? Server, string? Why)>> Shared = new(StartAsync);

    private readonly int _port;

    private PostgresServer(int port) => _port = port;

    /// <summary>The shared server, or skips the calling test (fails it under CI) saying why there is none.</summary>
    public static async Task<PostgresServer> GetAsync()
    {
        var (server, why) = await Shared.Value;
        if (server is not null) return server;
        if (Environment.GetEnvironmentVariable("MMSAFE_REQUIRE_POSTGRES") == "1") Assert.Fail($"PostgreSQL is required here (MMSAFE_REQUIRE_POSTGRES=1) but: {why}");
        Assert.Skip($"SKIPPED LOUDLY: no PostgreSQL server for this test: {why}");
        return null!;
    }

    /// <summary>A new, empty database; its run locations are postgresql://mmsafe@127.0.0.1:PORT/NAME/RUN.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "t_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return $"postgresql://mmsafe@127.0.0.1:{_port}/{name}";
    }

    public string ConnectionString(string database) => $"Host=127.0.0.1;Port={_port};Username=mmsafe;Database={database};Pooling=false";

    private static async Task<(PostgresServer?, string?)> StartAsync()
    {
        var bin = FindBinaries();
        if (bin is null) return (null, "initdb and postgres were not found (MMSAFE_PG_BIN, /usr/lib/postgresql/*/bin, PATH); install Debian's postgresql package (apt-get install postgresql)");
        var dir = Directory.CreateTempSubdirectory("mmsafe-pg-").FullName;
        // PostgreSQL refuses to run as root: as root, the server runs as the package's postgres user.
        string[] asUser = [];
        if (Environment.UserName == "root")
        {
            if (Run("id", ["-u", "postgres"]).Code != 0) return (null, "running as root and there is no 'postgres' user to run the server as");
            Run("chown", ["-R", "postgres", dir]);
            asUser = ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"];
        }
        var init = Run(asUser.Length > 0 ? asUser[0] : Path.Combine(bin, "initdb"),
            [.. asUser.Skip(1), .. asUser.Length > 0 ? [Path.Combine(bin, "initdb")] : Array.Empty<string>(), "-D", Path.Combine(dir, "data"), "-U", "mmsafe", "--auth=trust", "-E", "UTF8"]);
        if (init.Code != 0) return (null, $"initdb failed: {init.Output}");
        int port = FreePort();
        var start = new ProcessStartInfo(asUser.Length > 0 ? asUser[0] : Path.Combine(bin, "postgres")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in asUser.Skip(1)) start.ArgumentList.Add(a);
        if (asUser.Length > 0) start.ArgumentList.Add(Path.Combine(bin, "postgres"));
        foreach (var a in new[] { "-D", Path.Combine(dir, "data"), "-p", port.ToString(), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=300" })
            start.ArgumentList.Add(a);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.Kill(entireProcessTree: true); process.WaitForExit(5000); Directory.Delete(dir, recursive: true); } catch (Exception) { }
        };
        var server = new PostgresServer(port);
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if (process.HasExited) return (null, $"postgres exited with code {process.ExitCode}");
            try
            {
                await using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
                await connection.OpenAsync();
                return (server, null);
            }
            catch (NpgsqlException)
            {
            }
        }
        return (null, "postgres did not accept connections within 30 s");
    }

    private static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("MMSAFE_PG_BIN") is { Length: > 0 } configured) candidates.Add(configured);
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).Select(d => Path.Combine(d, "bin")));
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static (int Code, string Output) Run(string file, string[] args, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(1))) { process.Kill(true); return (-1, "timed out"); }
            return (process.ExitCode, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}

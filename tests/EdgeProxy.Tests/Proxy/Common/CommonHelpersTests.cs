using EdgeProxy.Common;
using EdgeProxy.Tests.Infrastructure;

namespace EdgeProxy.Tests.Proxy.Common;

public sealed class CommonHelpersTests
{
    [Theory]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(5, 960)]
    [InlineData(6, 1800)] // capped
    public void Backoff_doubles_from_the_first_delay_up_to_the_cap(int failures, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), ExponentialBackoff.Delay(TimeSpan.FromMinutes(1), failures, TimeSpan.FromMinutes(30)));

    [Fact]
    public void Backoff_after_very_many_failures_is_the_cap_not_an_overflow()
    {
        Assert.Equal(TimeSpan.FromHours(1), ExponentialBackoff.Delay(TimeSpan.FromMinutes(15), 40, TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromDays(1), ExponentialBackoff.Delay(TimeSpan.FromHours(12), int.MaxValue, TimeSpan.FromDays(1)));
        Assert.Equal(TimeSpan.FromMinutes(1), ExponentialBackoff.Delay(TimeSpan.FromMinutes(1), 0, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void The_data_directory_is_relative_to_the_config_folder_and_keeps_absolute_names()
    {
        var data = DataDirectory.From("state", "/etc/edgeproxy");

        Assert.Equal("/etc/edgeproxy/state", data.Path);
        Assert.Equal("/etc/edgeproxy/state/ocsp", data.Resolve("ocsp"));
        Assert.Equal("/var/cache/ranges.json", data.Resolve("/var/cache/ranges.json"));
        Assert.Equal("/etc/edgeproxy/data", DataDirectory.From(null, "/etc/edgeproxy").Path);
    }

    [Fact]
    public void An_atomic_write_creates_the_folder_replaces_the_file_and_leaves_no_temporary_file()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "sub", "file.bin");

        AtomicFile.WriteAllBytes(path, [1, 2, 3]);
        AtomicFile.WriteAllBytes(path, [4, 5]);

        Assert.Equal([4, 5], File.ReadAllBytes(path));
        Assert.Equal(["file.bin"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }
}

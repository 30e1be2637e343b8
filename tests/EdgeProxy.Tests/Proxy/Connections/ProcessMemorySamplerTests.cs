using EdgeProxy.Connections;
using Microsoft.Extensions.Time.Testing;

namespace EdgeProxy.Tests.Proxy.Connections;

/// <summary>The working set is read at most once per <see cref="ProcessMemorySampler.MaxAge"/>, however often it is asked for.</summary>
public sealed class ProcessMemorySamplerTests
{
    [Fact]
    public void The_working_set_is_read_once_and_again_only_after_a_second()
    {
        var clock = new FakeTimeProvider();
        var reads = 0;
        var sampler = new ProcessMemorySampler(clock, () => ++reads * 1000L);

        Assert.Equal(1000, sampler.WorkingSet);
        Assert.Equal(1000, sampler.WorkingSet);
        clock.Advance(ProcessMemorySampler.MaxAge - TimeSpan.FromMilliseconds(1));
        Assert.Equal(1000, sampler.WorkingSet);
        Assert.Equal(1, reads);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(2000, sampler.WorkingSet);
        Assert.Equal(2000, sampler.WorkingSet);
        Assert.Equal(2, reads);
    }

    [Fact]
    public void The_default_reads_the_process_working_set()
    {
        var sampler = new ProcessMemorySampler(TimeProvider.System);

        Assert.True(sampler.WorkingSet > 1L << 20, sampler.WorkingSet.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

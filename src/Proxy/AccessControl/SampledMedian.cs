namespace EdgeProxy.AccessControl;

/// <summary>
/// The median of about a thousand evenly spaced values of a large table (one pass, no sort of the table): the cutoff
/// for forgetting its older half when a per-client table is full.
/// </summary>
internal static class SampledMedian
{
    public static long Of(IEnumerable<long> values, int count)
    {
        var step = Math.Max(1, count / 1024);
        var sample = values.Where((_, i) => i % step == 0).ToArray();
        Array.Sort(sample);
        return sample.Length == 0 ? long.MinValue : sample[sample.Length / 2];
    }
}

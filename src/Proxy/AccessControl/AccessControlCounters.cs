using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace EdgeProxy.AccessControl;

/// <summary>Refusals by policy (or rate limit) name and reason; only refused requests touch it.</summary>
internal sealed class AccessControlCounters
{
    private readonly ConcurrentDictionary<(string Policy, AccessRefusalReason Reason), StrongBox<long>> _refused = new();

    public void Count(string policy, AccessRefusalReason reason) =>
        Interlocked.Increment(ref _refused.GetOrAdd((policy, reason), static _ => new StrongBox<long>()).Value);

    public IEnumerable<(string Policy, AccessRefusalReason Reason, long Count)> Refused =>
        _refused.Select(p => (p.Key.Policy, p.Key.Reason, Interlocked.Read(ref p.Value.Value)));
}

using System.Runtime.CompilerServices;

namespace EdgeProxy.Tests.Infrastructure;

/// <summary>
/// The test process hosts many proxies, backends and clients at once, and some tests hold a thread while they wait for
/// a child process. With the thread pool's minimum at the CPU count (2 on CI), a few held threads leave work queued until
/// the pool adds threads (about two a second): a second's delay in a latency test (an HTTP/2 stream event once took
/// 1,003 ms in a CI run, where buffering would have held it 1.5 s). A proxy process has no such blocking neighbours.
/// </summary>
internal static class TestHostThreadPool
{
#pragma warning disable CA2255 // A test assembly, not a library: this sets up the test process before any test runs.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RaiseMinimum()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}

using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace EdgeProxy.Hosting;

/// <summary>Kestrel settings every public listener shares.</summary>
internal sealed class PublicListenerSetup : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions options)
    {
        // An edge does not advertise its software.
        options.AddServerHeader = false;
    }
}

// Stock YARP (loadtests/StockYarp) with one difference: the upstream client is LeanHttp11Handler, not SocketsHttpHandler.
// Registered after AddReverseProxy so that it replaces YARP's default client factory; same command-line configuration.
using LeanUpstream;
using Yarp.ReverseProxy.Forwarder;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
builder.Services.AddSingleton<IForwarderHttpClientFactory, LeanForwarderHttpClientFactory>();
var app = builder.Build();
app.MapReverseProxy();
app.Run();

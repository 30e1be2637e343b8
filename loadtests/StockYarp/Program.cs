// Stock YARP, the comparison bench's baseline: the getting-started sample, configured from the command line
// (Kestrel endpoint and ReverseProxy section) by the bench.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
var app = builder.Build();
app.MapReverseProxy();
app.Run();

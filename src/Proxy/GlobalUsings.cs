global using System.Net;
global using System.Diagnostics.CodeAnalysis;

global using System.Net;
global using Microsoft.AspNetCore.Http;

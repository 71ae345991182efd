using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Hosting;

namespace GoldenApp
{
    // The .NET Core 3.0 hosting model: a generic host with the web host defaults.
    // (Minimal APIs arrived with .NET 6 and are not available on 3.0.)
    public static class Program
    {
        public static void Main(string[] args)
        {
            Host.CreateDefaultBuilder(args)
                .ConfigureWebHostDefaults(web => web.UseStartup<Startup>())
                .Build()
                .Run();
        }
    }
}

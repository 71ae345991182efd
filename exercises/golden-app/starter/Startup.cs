using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace GoldenApp
{
    public class Startup
    {
        public void ConfigureServices(IServiceCollection services)
        {
            services.AddRouting();
        }

        // The runtime image sets ASPNETCORE_URLS=http://+:80, so the app listens on port 80.
        public void Configure(IApplicationBuilder app)
        {
            app.UseRouting();
            app.UseEndpoints(endpoints =>
            {
                endpoints.MapGet("/", context =>
                    context.Response.WriteAsync("Hello from golden-app, running on golden/aspnet-core:3.0\n"));
            });
        }
    }
}

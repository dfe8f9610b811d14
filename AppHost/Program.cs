using PartnerMesh.AppHost;
using PartnerMesh.AppHost.Hosting;

if (args is ["--help" or "-h"])
{
    Console.WriteLine("""
        PartnerMesh AppHost: starts PostgreSQL, RabbitMQ and Redis (containers, or existing servers given as
        ConnectionStrings__postgres/__messaging/__redis), creates and migrates each service's database, starts every
        service and the gateway, and keeps them running until Ctrl+C. Usually started by scripts/run.sh.

        options:
          --new-admin-key        create another admin API key and show it (also while the system already runs)
          --demo                 also run the storefront simulator (live traffic through the gateway)
          --environment <name>   ASPNETCORE_ENVIRONMENT of the services (default Development)
          --no-dashboard         no dashboard and OTLP receiver on 18888/18889
        See docs/running.md.
        """);
    return 0;
}

var builder = DistributedApplication.CreateBuilder(args);
PartnerMeshTopology.Configure(builder);
return await builder.Build().RunAsync();

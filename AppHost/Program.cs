using PartnerMesh.AppHost;
using PartnerMesh.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
PartnerMeshTopology.Configure(builder);
return await builder.Build().RunAsync();

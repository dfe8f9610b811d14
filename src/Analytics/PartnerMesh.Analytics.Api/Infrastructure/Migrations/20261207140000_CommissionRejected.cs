using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class CommissionRejected : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // A sale commission attribution rejected in review counts 0 (CommissionReversed, reason rejected). Orders counted
            // before keep false: rejections before this were not consumed.
            migrationBuilder.AddColumn<bool>(
                name: "commission_rejected",
                table: "orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "commission_rejected",
                table: "attributed_orders",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "commission_rejected",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "commission_rejected",
                table: "attributed_orders");
        }
    }
}

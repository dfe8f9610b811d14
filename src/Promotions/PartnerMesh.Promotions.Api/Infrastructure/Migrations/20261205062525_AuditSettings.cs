using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Promotions.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class AuditSettings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "max_combined_discount_percent",
                table: "rule_set_state",
                type: "numeric",
                nullable: true);

            migrationBuilder.UpdateData(
                table: "rule_set_state",
                keyColumn: "id",
                keyValue: 1,
                column: "max_combined_discount_percent",
                value: null);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "max_combined_discount_percent",
                table: "rule_set_state");
        }
    }
}

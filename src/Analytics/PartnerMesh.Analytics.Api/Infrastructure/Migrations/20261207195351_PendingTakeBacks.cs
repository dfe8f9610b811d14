using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace PartnerMesh.Analytics.Api.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class PendingTakeBacks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "pending_take_backs",
                columns: table => new
                {
                    sequence = table.Column<long>(type: "bigint", nullable: false),
                    order_id = table.Column<string>(type: "text", nullable: false),
                    payload = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pending_take_backs", x => x.sequence);
                });

            migrationBuilder.CreateIndex(
                name: "ix_pending_take_backs_order_id",
                table: "pending_take_backs",
                column: "order_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "pending_take_backs");
        }
    }
}

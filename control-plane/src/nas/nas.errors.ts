import { AppError } from "../http/errors.ts";

/** Names are unique per site in any case: people pick a router by its name. */
export const nasNameTaken = () =>
  new AppError("nas_name_taken", 409, "Another router at this site already has this name.", { field: "name" });

/** The agent tells routers apart by the source address of their requests: one router per address. */
export const nasAddressTaken = () =>
  new AppError("nas_address_taken", 409, "Another router at this site already has this address.", {
    field: "address",
  });

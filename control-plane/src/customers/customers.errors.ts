import { AppError } from "../http/errors.ts";
import type { CustomerUsage } from "./customers.repository.ts";

/** Subscriptions, invoices or payments still name the customer: deleting would orphan money. */
export const customerInUse = (usage: CustomerUsage) =>
  new AppError("customer_in_use", 409, "The customer has subscriptions, invoices or payments.", { usage });

export const ID_PHOTO_MAX_BYTES = 4 * 1024 * 1024;

export const photoTooLarge = () => new AppError("photo_too_large", 413, "The ID photo is larger than 4 MB.");
export const photoNotAnImage = () => new AppError("photo_type", 415, "The ID photo must be a JPEG, PNG or WebP image.");

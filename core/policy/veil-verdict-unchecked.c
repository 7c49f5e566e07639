/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-verdict"

#include "config.h"

#include "veil-verdict.h"
#include "veil-image.h"
#include "veil-worker-pool.h"

/* Which failures to analyse a file are verdicts of their own ("not checked"), and which
 * mean there is nothing to judge. */

/**
 * veil_verdict_new_unchecked_for_error:
 * @error: why analysing a file failed
 *
 * Turns a failure to analyse into the verdict callers act on: a picture that is too large,
 * too slow, damaged or unreadable was not checked, which is not the same as harmless.
 *
 * Returns: (transfer full) (nullable): the verdict, or %NULL when @error means there is no
 *   picture to judge (not a picture at all, an empty file) or the work was cancelled
 */
VeilVerdict *
veil_verdict_new_unchecked_for_error (const GError *error)
{
  VeilUncheckedCause cause = 0;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == VEIL_IMAGE_ERROR)
    switch ((VeilImageError) error->code)
      {
      case VEIL_IMAGE_ERROR_FILE_TOO_LARGE:
      case VEIL_IMAGE_ERROR_TOO_MANY_PIXELS:
        cause = VEIL_UNCHECKED_TOO_LARGE;
        break;
      case VEIL_IMAGE_ERROR_TIMEOUT:
        cause = VEIL_UNCHECKED_TOO_SLOW;
        break;
      case VEIL_IMAGE_ERROR_NOT_FOUND:
      case VEIL_IMAGE_ERROR_UNREADABLE:
      case VEIL_IMAGE_ERROR_NOT_A_FILE:
        cause = VEIL_UNCHECKED_UNREADABLE;
        break;
      case VEIL_IMAGE_ERROR_UNSUPPORTED:
      case VEIL_IMAGE_ERROR_CORRUPT:
        cause = VEIL_UNCHECKED_DAMAGED;
        break;
      case VEIL_IMAGE_ERROR_NOT_AN_IMAGE:
      case VEIL_IMAGE_ERROR_TOO_SMALL:
      case VEIL_IMAGE_ERROR_EMPTY:
      default:
        return NULL;
      }
  else if (error->domain == VEIL_WORKER_ERROR)
    switch ((VeilWorkerError) error->code)
      {
      case VEIL_WORKER_ERROR_TIMEOUT:
        cause = VEIL_UNCHECKED_TOO_SLOW;
        break;
      case VEIL_WORKER_ERROR_MODEL_MISSING:
        cause = VEIL_UNCHECKED_MODEL_MISSING;
        break;
      case VEIL_WORKER_ERROR_CRASHED:
      case VEIL_WORKER_ERROR_START:
        cause = VEIL_UNCHECKED_WORKER_CRASHED;
        break;
      case VEIL_WORKER_ERROR_FAILED:
        cause = VEIL_UNCHECKED_DAMAGED;
        break;
      case VEIL_WORKER_ERROR_BUSY:
      default:
        /* Not a judgement of the picture: the caller asks again later. */
        return NULL;
      }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return NULL;
  else
    cause = VEIL_UNCHECKED_UNREADABLE;
  return veil_verdict_new_unchecked (cause, error->message);
}

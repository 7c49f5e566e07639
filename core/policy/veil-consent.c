/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "veil-consent"

#include "config.h"

#include "veil-consent.h"

#include <glib/gi18n-lib.h>

/* Bump a protection's version whenever its words below change in meaning: acknowledgments of
 * an older version no longer count, so the child reads the new words before it is active. */
static const guint text_versions[VEIL_N_PROTECTIONS] = {
  2, /* message-warnings: 2 says that a blurred picture may be moved */
  2, /* library-scan: 2 says how often the folders are checked, that the guardian may look at
      * the pictures found, and no longer that Veil never changes files */
  2, /* guardian-alerts: 2 no longer says Veil never changes files */
};

guint
veil_protection_get_text_version (VeilProtection protection)
{
  g_return_val_if_fail (protection < VEIL_N_PROTECTIONS, 0);
  return text_versions[protection];
}

const char *
veil_protection_get_title (VeilProtection protection)
{
  switch (protection)
    {
    case VEIL_PROTECTION_MESSAGE_WARNINGS:
      return _("Message warnings");
    case VEIL_PROTECTION_LIBRARY_SCAN:
      return _("Picture folder checks");
    case VEIL_PROTECTION_GUARDIAN_ALERTS:
      return _("Telling the guardian");
    case VEIL_N_PROTECTIONS:
    default:
      g_return_val_if_reached (NULL);
    }
}

/**
 * veil_protection_get_explanation:
 * @notify: who is told under the profile, so the “who is told” line is true for this child
 * @out: (out caller-allocates): the explanation
 */
void
veil_protection_get_explanation (VeilProtection   protection,
                                 VeilNotify       notify,
                                 VeilExplanation *out)
{
  g_return_if_fail (protection < VEIL_N_PROTECTIONS);
  g_return_if_fail (out != NULL);

  out->text_version = text_versions[protection];
  out->title = veil_protection_get_title (protection);
  out->what_it_never_does = _("No picture ever leaves this computer. Nobody reads your messages, and Veil never deletes your files.");
  out->who_is_told = notify == VEIL_NOTIFY_GUARDIAN
    ? _("Your guardian is told when Veil blurs a picture. They see that it happened, not the picture itself.")
    : _("Nobody is told. What Veil finds stays with you.");

  switch (protection)
    {
    case VEIL_PROTECTION_MESSAGE_WARNINGS:
      out->summary = _("Blurs pictures in messages that may show nudity, and says why.");
      out->what_it_does = _("When a picture in a message may show nudity, Veil blurs it first and tells you why. You choose what to do next, and you can always ask a trusted adult for help.");
      /* "Hide warned pictures" moves them: the promise must hold whichever the guardian chose. */
      out->what_it_never_does = _("No picture ever leaves this computer, and nobody reads your messages. Veil never deletes your files. If your guardian chose it, Veil moves a picture it blurred into its own folder, and your guardian can put it back.");
      out->child_preview = _("A blurred picture with a few kind words about why, and the choices “Don’t View”, “View Anyway” and “Get Help”.");
      break;

    case VEIL_PROTECTION_LIBRARY_SCAN:
      /* Daily unless the profile says otherwise: see veil_protection_get_explanation_for_profile(). */
      out->summary = _("Checks the chosen picture folders once a day, and new pictures as they arrive.");
      out->what_it_does = _("Once a day, while the computer is not in use, Veil looks at the pictures in the folders your guardian chose, and at new pictures there soon after they arrive. It counts how many may show nudity and reports them only once there are as many as your guardian chose. A picture Veil couldn’t check is listed at once.");
      out->child_preview = _("A short note that a check ran, and how many pictures may need a look. A check never moves or deletes a picture.");
      /* The guardian's card for a folder check can show the picture found, so the child is
       * told so here, and the transparency page lists each time it happens. */
      if (notify == VEIL_NOTIFY_GUARDIAN)
        out->who_is_told = _("Your guardian is told when Veil reports pictures, and may then look at them "
                             "without the blur. Your Veil page says each time they do.");
      break;

    case VEIL_PROTECTION_GUARDIAN_ALERTS:
      out->summary = _("Tells the guardian when Veil blurs a picture.");
      out->what_it_does = _("When Veil blurs a picture, your guardian gets a note that it happened and why. They never get the picture itself.");
      out->who_is_told = _("Your guardian is told. Nobody else is.");
      out->child_preview = _("A line under each warning: “Your guardian will be told about this.”");
      break;

    case VEIL_N_PROTECTIONS:
    default:
      g_assert_not_reached ();
    }
}

/**
 * veil_protection_get_explanation_for_profile:
 * @out: (out caller-allocates): the explanation
 *
 * Like veil_protection_get_explanation(), in the words that are true for @profile: who is
 * told, and how often its folders are checked.
 */
void
veil_protection_get_explanation_for_profile (VeilProtection   protection,
                                             VeilProfile     *profile,
                                             VeilExplanation *out)
{
  g_return_if_fail (profile != NULL);

  veil_protection_get_explanation (protection, veil_profile_get_notify (profile), out);
  if (protection != VEIL_PROTECTION_LIBRARY_SCAN)
    return;
  switch (veil_profile_get_scan_schedule (profile))
    {
    case VEIL_SCAN_SCHEDULE_WEEKLY:
      out->summary = _("Checks the chosen picture folders once a week, and new pictures as they arrive.");
      out->what_it_does = _("Once a week, while the computer is not in use, Veil looks at the pictures in the folders your guardian chose, and at new pictures there soon after they arrive. It counts how many may show nudity and reports them only once there are as many as your guardian chose. A picture Veil couldn’t check is listed at once.");
      break;
    case VEIL_SCAN_SCHEDULE_OFF:
      out->summary = _("Checks the chosen picture folders when the guardian asks, and new pictures as they arrive.");
      out->what_it_does = _("When your guardian starts a check, Veil looks at the pictures in the folders they chose; it also looks at new pictures there soon after they arrive. It counts how many may show nudity and reports them only once there are as many as your guardian chose. A picture Veil couldn’t check is listed at once.");
      break;
    case VEIL_SCAN_SCHEDULE_DAILY:
    default:
      break;
    }
}

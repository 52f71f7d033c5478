/** The whole hire through the console in Chinese, every person having picked 简体中文 in the header (test/helpers/console-journey.ts). */
import { consoleJourney } from '../helpers/console-journey';

consoleJourney('zh-CN');
